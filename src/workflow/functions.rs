//! The functions of a Rust source file, by name, with their lines: what
//! `concur solution` needs to set a candidate's function beside the
//! reference's function of the same name. A small scanner, not a parser:
//! it knows comments, strings and character literals well enough to match
//! the braces of our own sources.

/// One function: its name, its first and last line (1-based), and its text
/// from the `fn` line (with the doc comments and attributes above it) to
/// its closing brace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    pub name: String,
    pub first_line: usize,
    pub last_line: usize,
    pub text: String,
}

/// Every function with a body in `source`, in order (a function inside an
/// `impl` or a `mod` counts; a trait's bodiless declarations do not).
pub fn functions(source: &str) -> Vec<Function> {
    let lines: Vec<&str> = source.lines().collect();
    let depth_at = brace_depths(source);
    let mut found = Vec::new();
    let mut line = 0;
    while line < lines.len() {
        let Some(name) = fn_name(lines[line]) else {
            line += 1;
            continue;
        };
        let depth = depth_at[line];
        // The body ends on the first line after which the depth is back.
        let Some(end) = (line..lines.len()).find(|&l| {
            depth_at.get(l + 1).copied().unwrap_or(0) <= depth && opens(lines[line..=l].join("\n"))
        }) else {
            break;
        };
        let text = lines[line..=end].join("\n");
        if text.contains('{') {
            let start = doc_start(&lines, line);
            found.push(Function {
                name,
                first_line: start + 1,
                last_line: end + 1,
                text: lines[start..=end].join("\n"),
            });
        }
        line = end + 1;
    }
    found
}

/// Whether some text opens a body (has a `{` before any `;` ends it).
fn opens(text: String) -> bool {
    match (text.find('{'), text.find(';')) {
        (Some(brace), Some(semi)) => brace < semi,
        (Some(_), None) => true,
        (None, _) => text.trim_end().ends_with(';'),
    }
}

/// The name in a line that declares a function: `pub fn insert(`,
/// `fn update<F: FnOnce(&mut V)>(`.
fn fn_name(line: &str) -> Option<String> {
    let code = line.split("//").next().unwrap_or("");
    let at = code.find("fn ")?;
    let before = &code[..at];
    let allowed = [
        "pub",
        "pub(crate)",
        "const",
        "async",
        "unsafe",
        "extern",
        "\"C\"",
    ];
    if !before.split_whitespace().all(|w| allowed.contains(&w)) {
        return None;
    }
    let name: String = code[at + 3..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// The first line of the doc comments and attributes just above `line`.
fn doc_start(lines: &[&str], line: usize) -> usize {
    let mut start = line;
    while start > 0 {
        let above = lines[start - 1].trim_start();
        if above.starts_with("///") || above.starts_with("#[") {
            start -= 1;
        } else {
            break;
        }
    }
    start
}

/// The brace depth at the start of every line, skipping braces inside
/// comments, strings and character literals.
fn brace_depths(source: &str) -> Vec<usize> {
    let mut depths = vec![0];
    let mut depth: usize = 0;
    let mut chars = source.chars().peekable();
    let mut block_comments = 0;
    while let Some(c) = chars.next() {
        if block_comments > 0 {
            match (c, chars.peek()) {
                ('*', Some('/')) => {
                    chars.next();
                    block_comments -= 1;
                }
                ('/', Some('*')) => {
                    chars.next();
                    block_comments += 1;
                }
                ('\n', _) => depths.push(depth),
                _ => {}
            }
            continue;
        }
        match c {
            '\n' => depths.push(depth),
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        depths.push(depth);
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                block_comments += 1;
            }
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        '\n' => depths.push(depth),
                        _ => {}
                    }
                }
            }
            // A character literal ('{', '\''), not a lifetime ('a).
            '\'' => {
                let rest: String = chars.clone().take(3).collect();
                if rest.starts_with('\\') {
                    chars.next();
                    chars.next();
                    for c in chars.by_ref() {
                        if c == '\'' {
                            break;
                        }
                    }
                } else if rest.chars().nth(1) == Some('\'') {
                    chars.next();
                    chars.next();
                }
            }
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    depths
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = r#"
impl Thing {
    /// Makes one.
    pub fn new() -> Self {
        let s = "}{";
        let c = '{';
        Self { a: 1 }
    }

    // a comment with a brace {
    fn update<F: FnOnce(&mut V)>(&self, f: F) -> bool
    where
        F: Send,
    {
        if true { f(&mut 1); }
        true
    }
}

trait T {
    fn declared(&self);
}

fn free<'a>(x: &'a str) -> &'a str { x }
"#;

    #[test]
    fn finds_each_function_with_its_lines() {
        let found = functions(SOURCE);
        let names: Vec<&str> = found.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["new", "update", "free"]);
        assert_eq!((found[0].first_line, found[0].last_line), (3, 8));
        assert!(found[0].text.starts_with("    /// Makes one."));
        assert!(found[1].text.ends_with("    }"));
        assert_eq!(found[2].text, "fn free<'a>(x: &'a str) -> &'a str { x }");
    }
}

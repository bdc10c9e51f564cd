//! Tables, for the book (Markdown) and for a terminal (aligned text): one
//! builder for every table concur prints or writes.

use std::fmt::Write as _;

/// How a column's cells line up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    /// Numbers.
    Right,
}

/// A table: columns with their alignment, then rows of cells.
#[derive(Debug, Clone, Default)]
pub struct Table {
    columns: Vec<(String, Align)>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = (S, Align)>) -> Table {
        Table {
            columns: columns.into_iter().map(|(c, a)| (c.into(), a)).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; missing cells are empty, extra cells are an error of the
    /// caller's and are dropped.
    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) -> &mut Table {
        let mut cells: Vec<String> = cells.into_iter().map(Into::into).collect();
        cells.resize(self.columns.len(), String::new());
        self.rows.push(cells);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// GitHub-flavoured Markdown, as mdbook renders it.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let header: Vec<&str> = self.columns.iter().map(|(c, _)| c.as_str()).collect();
        let _ = writeln!(out, "| {} |", header.join(" | "));
        let rule: Vec<&str> = self
            .columns
            .iter()
            .map(|(_, a)| match a {
                Align::Left => "---",
                Align::Right => "---:",
            })
            .collect();
        let _ = writeln!(out, "|{}|", rule.join("|"));
        for row in &self.rows {
            let _ = writeln!(out, "| {} |", row.join(" | "));
        }
        out
    }

    /// Plain text with the columns lined up, for a terminal.
    pub fn text(&self) -> String {
        let width = |i: usize| {
            self.rows
                .iter()
                .map(|r| r[i].chars().count())
                .chain([self.columns[i].0.chars().count()])
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..self.columns.len()).map(width).collect();
        let line = |cells: Vec<&str>| -> String {
            let padded: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(i, cell)| match self.columns[i].1 {
                    Align::Left => format!("{cell:<w$}", w = widths[i]),
                    Align::Right => format!("{cell:>w$}", w = widths[i]),
                })
                .collect();
            padded.join("  ").trim_end().to_string()
        };
        let mut out = line(self.columns.iter().map(|(c, _)| c.as_str()).collect());
        out.push('\n');
        for row in &self.rows {
            out.push_str(&line(row.iter().map(String::as_str).collect()));
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_and_text() {
        let mut table = Table::new([("workload", Align::Left), ("x", Align::Right)]);
        table
            .row(["read-heavy", "1.00x"])
            .row(["exchange", "12.5x"]);
        assert_eq!(
            table.markdown(),
            "| workload | x |\n|---|---:|\n| read-heavy | 1.00x |\n| exchange | 12.5x |\n"
        );
        assert_eq!(
            table.text(),
            "workload        x\nread-heavy  1.00x\nexchange    12.5x\n"
        );
    }
}

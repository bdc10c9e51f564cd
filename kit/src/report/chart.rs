//! Contention charts: throughput against threads, one line per
//! implementation, one panel per workload.
//!
//! SVG through plotters, with DejaVu Sans compiled in: plotters measures text
//! to lay a chart out, and a CI machine may have no fonts configured at all.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Once;

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::FontStyle;

use super::Record;
use crate::contention::median;

pub(crate) const FONT: &str = "sans-serif";
static DEJAVU: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// Line colours, chosen to stay apart for readers with the common forms of
/// colour blindness (Okabe and Ito's palette).
pub(crate) const COLOURS: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(230, 159, 0),
    RGBColor(0, 0, 0),
    RGBColor(240, 228, 66),
];

/// What to draw.
#[derive(Debug, Clone, Copy)]
pub struct Chart<'a> {
    pub title: &'a str,
    /// What the x axis counts: "threads", "workers".
    pub x_label: &'a str,
    /// What the y axis shows: "million ops/s", "MB/s", "pages/s".
    pub y_label: &'a str,
    /// Each record's ops per second is divided by this on the y axis: 1e6
    /// for millions, 1 for plain counts.
    pub y_scale: f64,
    /// A logarithmic y axis, for lines that differ by orders of magnitude
    /// (Rust against Python): equal ratios look equally far apart.
    pub log_y: bool,
    pub records: &'a [Record],
    /// Lines printed under the chart: the machine fingerprint.
    pub caption: &'a [String],
    /// Implementations that are bounds, not designs (Little's law's): drawn
    /// grey and dashed, without points.
    pub references: &'a [&'a str],
    /// Reference lines that are not records: an SLO, a capacity, the
    /// scaling ceiling.
    pub guides: &'a [Guide<'a>],
}

/// A reference line, grey and dashed, labelled where it is drawn.
#[derive(Debug, Clone, Copy)]
pub enum Guide<'a> {
    /// Across every panel at `y`, in the y axis's units (after `y_scale`).
    Horizontal { y: f64, label: &'a str },
    /// Up every panel at `x`, in the x axis's units (threads, requests/s).
    Vertical { x: f64, label: &'a str },
    /// In every panel, the best figure at one thread times the machine's
    /// scaling ceiling (two threads of independent work against one): the
    /// most two threads could give. Flat past two threads when the machine
    /// has no more `cores`; drawn only to two threads otherwise, since the
    /// ceiling was measured at two.
    Ceiling { ceiling: f64, cores: usize },
}

/// The narrowest entry of the legend, in pixels; a longer label widens
/// every entry (DejaVu Sans at 13 px is about 7 px a character).
const LEGEND_COLUMN: u32 = 250;

/// Draws `chart` to an SVG file at `path`. Several records for the same
/// point (repeated runs) are drawn as their median.
pub fn draw_svg(path: &Path, chart: &Chart<'_>) -> Result<(), String> {
    register_font();
    if chart.records.is_empty() {
        return Err("no records to chart".to_string());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    draw(path, chart).map_err(|e| format!("drawing {}: {e}", path.display()))
}

/// Makes the compiled-in font known to plotters, once.
pub(crate) fn register_font() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        // The font is compiled in and known to be valid.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, DEJAVU);
    });
}

/// The height the caption's lines take under a chart, in pixels.
pub(crate) fn caption_height(caption: &[String]) -> u32 {
    18 * caption.len() as u32 + 10
}

/// The caption (the machine fingerprint) under a chart: grey, a line a row.
pub(crate) fn draw_caption(
    footer: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    caption: &[String],
) -> Result<(), Box<dyn std::error::Error>> {
    for (index, line) in caption.iter().enumerate() {
        footer.draw(&Text::new(
            line.clone(),
            (12, 4 + 18 * index as i32),
            (FONT, 13).into_font().color(&RGBColor(80, 80, 80)),
        ))?;
    }
    Ok(())
}

/// Points of one line: threads -> median ops/s.
type Line = BTreeMap<usize, f64>;

fn in_order<'a>(names: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = Vec::new();
    for name in names {
        if !seen.contains(&name) {
            seen.push(name);
        }
    }
    seen
}

fn lines_of<'a>(records: &'a [Record], workload: &str, y_scale: f64) -> Vec<(&'a str, Line)> {
    let implementations = in_order(
        records
            .iter()
            .filter(|r| r.workload == workload)
            .map(|r| r.implementation.as_str()),
    );
    implementations
        .into_iter()
        .map(|implementation| {
            let mut runs: BTreeMap<usize, Vec<f64>> = BTreeMap::new();
            for r in records
                .iter()
                .filter(|r| r.workload == workload && r.implementation == implementation)
            {
                runs.entry(r.threads)
                    .or_default()
                    .push(r.ops_per_sec() / y_scale);
            }
            let line = runs
                .into_iter()
                .map(|(threads, mut values)| (threads, median(&mut values)))
                .collect();
            (implementation, line)
        })
        .collect()
}

/// Grey, for what is not a design: bounds, ceilings, SLOs.
const GUIDE: RGBColor = RGBColor(110, 110, 110);

/// How a line is told apart: its colour, the outline of its points
/// (circle, triangle, square, diamond) and whether it is dashed. Past the
/// eighth line the colours come round again with another outline and
/// dash, so no two lines of a chart look the same.
fn look(index: usize) -> Look {
    let turn = index + index / COLOURS.len();
    Look {
        colour: COLOURS[index % COLOURS.len()],
        outline: outline(turn),
        dashes: dashes(turn),
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Look {
    colour: RGBColor,
    /// Pixels around a point.
    outline: Vec<(i32, i32)>,
    /// Dash and gap lengths, for a dashed line.
    dashes: Option<(u32, u32)>,
}

/// Solid, long dashes, solid, short dashes: two dashed lines on top of each
/// other have different periods, so both colours show.
fn dashes(turn: usize) -> Option<(u32, u32)> {
    match turn % 4 {
        1 => Some((8, 5)),
        3 => Some((3, 4)),
        _ => None,
    }
}

/// The outline of a point, in pixels around it. Outlines, not filled
/// shapes, so that points of different lines on top of each other all
/// stay visible.
fn outline(turn: usize) -> Vec<(i32, i32)> {
    let mut points: Vec<(i32, i32)> = match turn % 4 {
        0 => (0..12)
            .map(|k| {
                let angle = std::f64::consts::TAU * k as f64 / 12.0;
                (
                    (4.5 * angle.cos()).round() as i32,
                    (4.5 * angle.sin()).round() as i32,
                )
            })
            .collect(),
        1 => vec![(0, -6), (5, 4), (-5, 4)],
        2 => vec![(-4, -4), (4, -4), (4, 4), (-4, 4)],
        _ => vec![(0, -6), (6, 0), (0, 6), (-6, 0)],
    };
    points.push(points[0]);
    points
}

fn draw(path: &Path, chart: &Chart<'_>) -> Result<(), Box<dyn std::error::Error>> {
    let workloads = in_order(chart.records.iter().map(|r| r.workload.as_str()));
    let implementations = in_order(chart.records.iter().map(|r| r.implementation.as_str()));
    let is_reference = |name: &str| chart.references.contains(&name);
    let look_of = |name: &str| {
        let index = implementations.iter().position(|n| *n == name).unwrap_or(0);
        let look = look(index);
        if is_reference(name) {
            Look {
                colour: GUIDE,
                dashes: Some((8, 5)),
                ..look
            }
        } else {
            look
        }
    };
    let max_threads = chart
        .records
        .iter()
        .map(|r| r.threads)
        .max()
        .unwrap_or(1)
        .max(1);
    let x_max = (max_threads as f64).log2();
    let min_threads = chart
        .records
        .iter()
        .map(|r| r.threads)
        .min()
        .unwrap_or(1)
        .max(1);
    let x_min = (min_threads as f64).log2();
    // Measured at one thread only, on a chart of several: a single-threaded
    // baseline, drawn as a dashed line across each panel.
    let is_baseline = |name: &str| {
        x_max > x_min
            && chart
                .records
                .iter()
                .filter(|r| r.implementation == name)
                .all(|r| r.threads == 1)
    };

    let cols = workloads.len().min(2);
    let rows = workloads.len().div_ceil(cols);
    let caption_height = caption_height(chart.caption);
    // A lone panel gets room for the title and the caption.
    let width = (520 * cols as u32).max(if cols == 1 { 900 } else { 0 });
    // One legend for every panel, in rows under them: inside a panel it
    // hides the points it lands on, and beside them it would make the
    // chart wider than a book's column.
    let longest = implementations
        .iter()
        .map(|name| name.chars().count() + " (1 thread)".len())
        .max()
        .unwrap_or(0) as u32;
    let column = LEGEND_COLUMN.max(56 + 7 * longest);
    let per_row = (width / column).max(1) as usize;
    let legend_rows = implementations.len().div_ceil(per_row) as u32;
    let legend_height = 20 * legend_rows + 16;
    let height = 380 * rows as u32 + 50 + legend_height + caption_height;

    let root = SVGBackend::new(path, (width, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let (body, footer) = root.split_vertically(height - caption_height);
    let body = body.titled(chart.title, (FONT, 24))?;
    let body_height = body.dim_in_pixel().1;
    let (panels, legend) = body.split_vertically(body_height.saturating_sub(legend_height));
    for (index, name) in implementations.iter().enumerate() {
        let Look {
            colour,
            outline,
            dashes: dashed,
        } = look_of(name);
        let x = 16 + column as i32 * (index % per_row) as i32;
        let y = 10 + 20 * (index / per_row) as i32;
        let style = colour.stroke_width(2);
        let baseline = is_baseline(name).then_some((6, 4));
        if let Some((dash, gap)) = baseline.or(dashed) {
            legend.draw(&DashedPathElement::new(
                vec![(x, y), (x + 32, y)],
                dash,
                gap,
                style,
            ))?;
        } else {
            legend.draw(&PathElement::new(vec![(x, y), (x + 32, y)], style))?;
        }
        if !is_baseline(name) && !is_reference(name) {
            legend.draw(&(EmptyElement::at((x + 16, y)) + PathElement::new(outline, style)))?;
        }
        let label = if is_baseline(name) {
            format!("{name} (1 thread)")
        } else {
            name.to_string()
        };
        legend.draw(&Text::new(label, (x + 40, y - 8), (FONT, 13).into_font()))?;
    }
    draw_caption(&footer, chart.caption)?;

    let to_y = |value: f64| {
        if chart.log_y {
            value.max(1e-12).log10()
        } else {
            value
        }
    };
    for (panel, workload) in panels.split_evenly((rows, cols)).iter().zip(&workloads) {
        let lines = lines_of(chart.records, workload, chart.y_scale);
        // The most two threads could give: the best at one thread, times
        // the ceiling.
        let best_single = lines
            .iter()
            .filter(|(name, _)| !is_reference(name))
            .filter_map(|(_, line)| line.get(&1).copied())
            .fold(None, |best: Option<f64>, v| {
                Some(best.map_or(v, |b| b.max(v)))
            });
        let ceiling_line: Vec<(f64, f64)> = chart
            .guides
            .iter()
            .find_map(|guide| match (guide, best_single) {
                (Guide::Ceiling { ceiling, cores }, Some(best)) if max_threads >= 2 => {
                    let top = best * ceiling;
                    let mut points = vec![(0.0, best), (1.0, top)];
                    if *cores <= 2 {
                        points.push((x_max, top));
                    }
                    Some(points)
                }
                _ => None,
            })
            .unwrap_or_default();
        let values = || {
            lines
                .iter()
                .flat_map(|(_, line)| line.values().copied())
                .chain(ceiling_line.iter().map(|p| p.1))
                .chain(chart.guides.iter().filter_map(|guide| match guide {
                    Guide::Horizontal { y, .. } => Some(*y),
                    _ => None,
                }))
                .map(to_y)
        };
        let (y_min, y_max) = if chart.log_y {
            let low = values().fold(f64::INFINITY, f64::min).floor();
            let high = values().fold(f64::NEG_INFINITY, f64::max);
            // Whole decades, so that the top of the axis is labelled too.
            (low, (high + 0.05).ceil())
        } else {
            (0.0, values().fold(0.0_f64, f64::max) * 1.1)
        };
        let (x_low, x_high) = (x_min - 0.25, x_max + 0.25);
        let mut plot = ChartBuilder::on(panel)
            .caption(*workload, (FONT, 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(x_low..x_high, y_min..y_max.max(y_min + 1e-9))?;
        let log_label = |y: &f64| {
            // Only whole powers of ten are labelled on a log axis.
            if (y - y.round()).abs() < 1e-6 {
                power_of_ten(y.round() as i32)
            } else {
                String::new()
            }
        };
        let mut mesh = plot.configure_mesh();
        if chart.log_y {
            // One mesh line a decade: plotters puts its labels at multiples
            // of a round step, and this count makes the step 1.
            let decades = (y_max - y_min).ceil() as usize;
            mesh.y_labels(decades + 1)
                .y_max_light_lines(0)
                .y_label_formatter(&log_label);
        }
        mesh.x_desc(chart.x_label)
            .y_desc(chart.y_label)
            .x_labels(2 * ((x_max - x_min) as usize + 1))
            .x_label_formatter(&|x| {
                // The x axis is log2(threads): label only whole powers of two.
                if (x - x.round()).abs() < 1e-6 && *x >= 0.0 {
                    format!("{}", 2f64.powf(x.round()) as u64)
                } else {
                    String::new()
                }
            })
            .light_line_style(RGBColor(235, 235, 235))
            .draw()?;

        // Guides first, so that the measured lines are drawn over them.
        let guide_style = GUIDE.stroke_width(1);
        let note = |text: String, at: (f64, f64)| {
            Text::new(text, at, (FONT, 12).into_font().color(&GUIDE))
        };
        if let Some(&(_, top)) = ceiling_line.last() {
            let points: Vec<(f64, f64)> = ceiling_line.iter().map(|&(x, y)| (x, to_y(y))).collect();
            plot.draw_series(DashedLineSeries::new(points, 4, 4, guide_style))?;
            let at = (ceiling_line.last().map_or(1.0, |p| p.0) - 0.2, to_y(top));
            plot.draw_series([note("ceiling".to_string(), at)])?;
        }
        for guide in chart.guides {
            match guide {
                Guide::Horizontal { y, label } => {
                    let y = to_y(*y);
                    plot.draw_series(DashedLineSeries::new(
                        [(x_low, y), (x_high, y)],
                        4,
                        4,
                        guide_style,
                    ))?;
                    plot.draw_series([note(label.to_string(), (x_low + 0.05, y))])?;
                }
                Guide::Vertical { x, label } => {
                    let x = x.max(1e-12).log2();
                    let top = y_max.max(y_min + 1e-9);
                    plot.draw_series(DashedLineSeries::new(
                        [(x, y_min), (x, top)],
                        4,
                        4,
                        guide_style,
                    ))?;
                    let below_top = top - (top - y_min) * 0.02;
                    plot.draw_series([note(format!(" {label}"), (x, below_top))])?;
                }
                Guide::Ceiling { .. } => {}
            }
        }

        for (implementation, line) in &lines {
            let Look {
                colour,
                outline,
                dashes: dashed,
            } = look_of(implementation);
            let style = colour.stroke_width(2);
            if is_baseline(implementation)
                && let Some((&1, &value)) = line.first_key_value()
            {
                let across = [(x_low, to_y(value)), (x_high, to_y(value))];
                plot.draw_series(DashedLineSeries::new(across, 8, 5, style))?;
                continue;
            }
            let points: Vec<(f64, f64)> = line
                .iter()
                .map(|(&threads, &value)| ((threads as f64).log2(), to_y(value)))
                .collect();
            if let Some((dash, gap)) = dashed {
                plot.draw_series(DashedLineSeries::new(points.clone(), dash, gap, style))?;
            } else {
                plot.draw_series(LineSeries::new(points.clone(), style))?;
            }
            if !is_reference(implementation) {
                plot.draw_series(
                    points
                        .into_iter()
                        .map(|p| EmptyElement::at(p) + PathElement::new(outline.clone(), style)),
                )?;
            }
        }
    }
    root.present()?;
    Ok(())
}

/// 10^p in the shortest form a reader knows: 0.01, 1, 100, 10k, 1M, 1G.
fn power_of_ten(p: i32) -> String {
    match p {
        ..0 => format!("{}", 10f64.powi(p)),
        0..3 => format!("{}", 10u64.pow(p as u32)),
        3..6 => format!("{}k", 10u64.pow(p as u32 - 3)),
        6..9 => format!("{}M", 10u64.pow(p as u32 - 6)),
        _ => format!("{}G", 10u64.pow((p - 9).min(18) as u32)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(workload: &str, implementation: &str, threads: usize, ops: u64) -> Record {
        Record {
            exercise: "test".into(),
            workload: workload.into(),
            implementation: implementation.into(),
            threads,
            ops,
            seconds: 1.0,
        }
    }

    #[test]
    fn draws_every_panel_and_line() {
        let records = vec![
            record("exchange", "GlobalLockMap", 1, 3_000_000),
            record("exchange", "GlobalLockMap", 2, 2_000_000),
            record("exchange", "StripedMap", 1, 3_000_000),
            record("exchange", "StripedMap", 2, 5_000_000),
            record("read-heavy", "StripedMap", 1, 9_000_000),
            record("read-heavy", "StripedMap", 2, 15_000_000),
            record("exchange", "no lock", 1, 4_000_000),
        ];
        let path = std::env::temp_dir().join(format!("kit-chart-{}.svg", std::process::id()));
        let caption = vec!["cores: 2".to_string()];
        draw_svg(
            &path,
            &Chart {
                title: "test chart",
                x_label: "threads",
                y_label: "million ops/s",
                y_scale: 1e6,
                log_y: false,
                records: &records,
                caption: &caption,
                references: &[],
                guides: &[],
            },
        )
        .unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        for text in [
            "test chart",
            "exchange",
            "read-heavy",
            "GlobalLockMap",
            "StripedMap",
            "cores: 2",
            // One legend for all panels, the baseline marked as such.
            "no lock (1 thread)",
        ] {
            assert!(svg.contains(text), "the chart lacks {text:?}");
        }
        assert_eq!(
            svg.lines().filter(|l| l.trim() == "StripedMap").count(),
            1,
            "one legend, not one per panel"
        );
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_log_axis_labels_whole_decades() {
        let records = vec![
            record("segment", "rust", 1, 40_000_000),
            record("segment", "python", 1, 1_500_000),
        ];
        let path = std::env::temp_dir().join(format!("kit-log-{}.svg", std::process::id()));
        draw_svg(
            &path,
            &Chart {
                title: "log",
                x_label: "workers",
                y_label: "MB/s",
                y_scale: 1e6,
                log_y: true,
                records: &records,
                caption: &[],
                references: &[],
                guides: &[],
            },
        )
        .unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        let texts: Vec<&str> = svg.lines().map(str::trim).collect();
        for label in ["1", "10", "100", "workers"] {
            assert!(texts.contains(&label), "the chart lacks the label {label}");
        }
        assert!(!texts.contains(&"50"), "a log axis labels decades only");
        std::fs::remove_file(path).unwrap();
        assert_eq!(power_of_ten(-2), "0.01");
        assert_eq!(power_of_ten(4), "10k");
        assert_eq!(power_of_ten(6), "1M");
    }

    #[test]
    fn no_two_lines_look_the_same() {
        let looks: Vec<_> = (0..16).map(look).collect();
        for (i, a) in looks.iter().enumerate() {
            for b in &looks[..i] {
                assert!(a != b, "line {i} looks like an earlier one");
            }
        }
    }

    #[test]
    fn guides_and_bounds_are_drawn_and_labelled() {
        let records = vec![
            record("load", "fast", 1, 10_000_000),
            record("load", "fast", 2, 19_000_000),
            record("load", "bound", 1, 12_000_000),
            record("load", "bound", 2, 24_000_000),
        ];
        let path = std::env::temp_dir().join(format!("kit-guides-{}.svg", std::process::id()));
        let guides = [
            Guide::Horizontal {
                y: 15.0,
                label: "SLO 15",
            },
            Guide::Vertical {
                x: 1.5,
                label: "capacity",
            },
            Guide::Ceiling {
                ceiling: 1.9,
                cores: 2,
            },
        ];
        draw_svg(
            &path,
            &Chart {
                title: "guides",
                x_label: "threads",
                y_label: "million ops/s",
                y_scale: 1e6,
                log_y: false,
                records: &records,
                caption: &[],
                references: &["bound"],
                guides: &guides,
            },
        )
        .unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let texts: Vec<&str> = svg.lines().map(str::trim).collect();
        for label in ["SLO 15", "capacity", "ceiling", "bound"] {
            assert!(
                texts.iter().any(|t| t.contains(label)),
                "the chart lacks {label:?}"
            );
        }
        // The ceiling reaches the best one-thread figure (12, the bound's,
        // is not a design: 10) times 1.9 = 19: the y axis goes past it.
        assert!(
            texts.contains(&"20.0"),
            "the y axis stops short of the ceiling"
        );
    }

    #[test]
    fn no_records_is_an_error_not_a_panic() {
        let path = std::env::temp_dir().join("kit-empty.svg");
        let err = draw_svg(
            &path,
            &Chart {
                title: "t",
                x_label: "threads",
                y_label: "x",
                y_scale: 1.0,
                log_y: false,
                records: &[],
                caption: &[],
                references: &[],
                guides: &[],
            },
        );
        assert!(err.is_err());
    }
}

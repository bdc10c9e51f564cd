//! Grouped bar charts: a few values side by side in each of a few groups
//! (latency percentiles, with and without hedging), where a line through
//! thread counts would mean nothing. Same font, colours and caption as the
//! contention charts.

use std::path::Path;

use plotters::prelude::*;

use super::chart::{COLOURS, FONT, caption_height, draw_caption, register_font};

/// What to draw: `series[i].1[g]` is series `i`'s value in group `g`.
#[derive(Debug, Clone, Copy)]
pub struct Bars<'a> {
    pub title: &'a str,
    pub y_label: &'a str,
    /// A logarithmic y axis, for values orders of magnitude apart.
    pub log_y: bool,
    pub groups: &'a [&'a str],
    pub series: &'a [(&'a str, Vec<f64>)],
    /// Lines printed under the chart: the machine fingerprint.
    pub caption: &'a [String],
}

/// Draws `bars` to an SVG file at `path`, each bar labelled with its value.
pub fn draw_bars_svg(path: &Path, bars: &Bars<'_>) -> Result<(), String> {
    register_font();
    let values = || bars.series.iter().flat_map(|(_, v)| v.iter().copied());
    if bars.groups.is_empty()
        || bars
            .series
            .iter()
            .any(|(_, v)| v.len() != bars.groups.len())
    {
        return Err(format!(
            "{}: every series needs one value per group",
            path.display()
        ));
    }
    if bars.log_y && values().any(|v| v <= 0.0 || !v.is_finite()) {
        return Err(format!(
            "{}: a logarithmic axis needs positive values",
            path.display()
        ));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    draw(
        path,
        bars,
        values().fold(f64::MIN, f64::max),
        values().fold(f64::MAX, f64::min),
    )
    .map_err(|e| format!("drawing {}: {e}", path.display()))
}

fn draw(
    path: &Path,
    bars: &Bars<'_>,
    max: f64,
    min: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    let caption_height = caption_height(bars.caption);
    let (width, height) = (900, 460 + caption_height);
    let root = SVGBackend::new(path, (width, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let (body, footer) = root.split_vertically(height - caption_height);
    let groups = bars.groups.len();
    let series = bars.series.len();
    // Bars start at the axis: the smallest value's decade on a log axis.
    let (low, high) = if bars.log_y {
        (
            10f64.powf(min.log10().floor()),
            10f64.powf(max.log10().ceil()),
        )
    } else {
        (0.0, max * 1.15)
    };
    let mut builder = ChartBuilder::on(&body);
    builder
        .caption(bars.title, (FONT, 24))
        .margin(16)
        .x_label_area_size(36)
        .y_label_area_size(64);
    // Each group is one unit wide; its bars fill the middle 70%.
    let width_of = 0.7 / series as f64;
    let left = |g: usize, s: usize| g as f64 + 0.15 + width_of * s as f64;
    macro_rules! body {
        ($chart:ident) => {{
            $chart
                .configure_mesh()
                .disable_x_mesh()
                .x_labels(0)
                .y_desc(bars.y_label)
                .label_style((FONT, 13))
                .draw()?;
            for (s, (name, values)) in bars.series.iter().enumerate() {
                let colour = COLOURS[s % COLOURS.len()];
                $chart
                    .draw_series(values.iter().enumerate().map(|(g, &v)| {
                        Rectangle::new(
                            [(left(g, s), low), (left(g, s) + width_of, v)],
                            colour.filled(),
                        )
                    }))?
                    .label(*name)
                    .legend(move |(x, y)| {
                        Rectangle::new([(x, y - 5), (x + 14, y + 5)], colour.filled())
                    });
                // Above the bar: a text's point is its top left corner.
                let above = |v: f64| {
                    if bars.log_y {
                        v * 1.5
                    } else {
                        v + (high - low) * 0.05
                    }
                };
                $chart.draw_series(values.iter().enumerate().map(|(g, &v)| {
                    Text::new(
                        format!("{v:.1}"),
                        (left(g, s) + width_of * 0.1, above(v)),
                        (FONT, 12).into_font().color(&RGBColor(40, 40, 40)),
                    )
                }))?;
            }
            $chart.draw_series(bars.groups.iter().enumerate().map(|(g, name)| {
                Text::new(
                    name.to_string(),
                    (g as f64 + 0.45, low),
                    (FONT, 14).into_font(),
                )
            }))?;
            $chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.9))
                .border_style(RGBColor(180, 180, 180))
                .label_font((FONT, 13))
                .position(SeriesLabelPosition::UpperLeft)
                .draw()?;
        }};
    }
    if bars.log_y {
        let mut chart = builder.build_cartesian_2d(0f64..groups as f64, (low..high).log_scale())?;
        body!(chart);
    } else {
        let mut chart = builder.build_cartesian_2d(0f64..groups as f64, low..high)?;
        body!(chart);
    }
    draw_caption(&footer, bars.caption)?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_and_refuses_what_it_cannot_draw() {
        let dir = std::env::temp_dir().join(format!("kit-bars-{}", std::process::id()));
        let path = dir.join("bars.svg");
        let series = [("off", vec![0.7, 102.5]), ("on", vec![0.8, 4.2])];
        let bars = Bars {
            title: "hedging",
            y_label: "ms",
            log_y: true,
            groups: &["p50", "p99"],
            series: &series,
            caption: &["a machine".to_string()],
        };
        draw_bars_svg(&path, &bars).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        assert!(svg.contains("102.5") && svg.contains("p99"), "{svg}");
        let short = [("off", vec![1.0])];
        assert!(
            draw_bars_svg(
                &path,
                &Bars {
                    series: &short,
                    ..bars
                }
            )
            .is_err()
        );
        let zero = [("off", vec![0.0, 1.0])];
        assert!(
            draw_bars_svg(
                &path,
                &Bars {
                    series: &zero,
                    ..bars
                }
            )
            .is_err()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

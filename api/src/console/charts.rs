//! Charts drawn on the server as SVG, from our own numbers: a line per series over months, and
//! horizontal bars. The page draws the shapes from these coordinates (so every label is escaped
//! by the template) and puts the numbers behind each chart in a table below it.

/// The drawing area, in SVG units; the page scales it to its width.
pub const WIDTH: f64 = 640.0;
pub const HEIGHT: f64 = 220.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 32.0;

/// One series of a line chart: its name, its colour class, and its points as SVG wants them.
pub struct Line {
    pub name: &'static str,
    pub class: &'static str,
    pub points: String,
}

/// A line chart: the series, the x labels with their positions, the top of the scale.
pub struct LineChart {
    pub lines: Vec<Line>,
    pub labels: Vec<(f64, String)>,
    pub max: u64,
    /// The y of the scale's top and of its zero, for the axis labels.
    pub top: f64,
    pub zero: f64,
}

/// Lines of `series` (name, class, one value per label) over `labels`.
pub fn lines(labels: &[String], series: Vec<(&'static str, &'static str, Vec<u64>)>) -> LineChart {
    let max = series
        .iter()
        .flat_map(|(_, _, values)| values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let step = match labels.len() {
        0 | 1 => 0.0,
        n => (WIDTH - LEFT - RIGHT) / (n - 1) as f64,
    };
    let x = |i: usize| LEFT + step * i as f64;
    let y = |v: u64| HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * v as f64 / max as f64;
    let lines = series
        .into_iter()
        .map(|(name, class, values)| Line {
            name,
            class,
            points: values
                .iter()
                .enumerate()
                .map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v)))
                .collect::<Vec<_>>()
                .join(" "),
        })
        .collect();
    LineChart {
        lines,
        labels: labels
            .iter()
            .enumerate()
            .map(|(i, l)| (x(i), l.clone()))
            .collect(),
        max,
        top: y(max),
        zero: y(0),
    }
}

/// One bar: its label, its value, its length and the y of its row.
pub struct Bar {
    pub label: String,
    pub value: u64,
    pub y: f64,
    pub length: f64,
}

/// The height of a bar chart of `n` bars.
pub fn bars_height(n: usize) -> f64 {
    TOP + 24.0 * n as f64 + 8.0
}

/// Horizontal bars of `values`, longest for the largest, labels on the left.
pub fn bars(values: Vec<(String, u64)>) -> Vec<Bar> {
    let max = values.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let room = WIDTH - 160.0 - 48.0;
    values
        .into_iter()
        .enumerate()
        .map(|(i, (label, value))| Bar {
            label,
            value,
            y: TOP + 24.0 * i as f64,
            length: room * value as f64 / max as f64,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_runs_from_the_left_edge_to_the_right_scaled_to_the_largest_value() {
        let labels = vec!["01".to_owned(), "02".to_owned(), "03".to_owned()];
        let chart = lines(&labels, vec![("收到", "received", vec![0, 5, 10])]);
        assert_eq!(chart.max, 10);
        assert_eq!(chart.lines[0].points, "44.0,188.0 334.0,102.0 624.0,16.0");
        assert_eq!(chart.labels[2].0, 624.0);
    }

    #[test]
    fn bars_are_as_long_as_their_share_of_the_largest() {
        let drawn = bars(vec![("路灯".to_owned(), 4), ("噪音".to_owned(), 2)]);
        assert_eq!(drawn[0].length, 432.0);
        assert_eq!(drawn[1].length, 216.0);
        assert_eq!(drawn[1].y, 40.0);
        assert_eq!(bars_height(2), 72.0);
    }

    #[test]
    fn nothing_to_draw_draws_nothing_and_divides_by_no_zero() {
        let chart = lines(&["01".to_owned()], vec![("收到", "received", vec![0])]);
        assert_eq!(chart.lines[0].points, "44.0,188.0");
        assert!(bars(Vec::new()).is_empty());
    }
}

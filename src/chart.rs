//! Bar charts drawn as PNG pictures for the channels that send images, and as text for those that
//! cannot. The font is built in (DejaVu Sans), so Vietnamese labels keep their diacritics on any machine.

use std::sync::OnceLock;

use anyhow::anyhow;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};
use serde::{Deserialize, Serialize};

use crate::i18n::{Localizer, format_number};
use crate::message::{Chart, Lang};

const FONT: &[u8] = include_bytes!("../data/fonts/DejaVuSans.ttf");
const WIDTH: u32 = 1000;
const MARGIN: u32 = 30;
const TITLE_LINE: u32 = 38;
const TITLE_SIZE: u32 = 30;
const LABEL_SIZE: u32 = 22;
const ROW: u32 = 44;
const VALUE_COLUMN: u32 = 130;
const BAR_COLOR: RGBColor = RGBColor(0x1f, 0x6f, 0xb5);

/// A chart with its title in the reader's language, ready to draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plot {
    pub title: String,
    /// Label and value.
    pub bars: Vec<(String, i64)>,
    pub lang: Lang,
}

impl Plot {
    pub fn new(chart: &Chart, localizer: &Localizer, lang: Lang) -> Plot {
        Plot {
            title: localizer.render(&chart.title, lang),
            bars: chart
                .bars
                .iter()
                .map(|b| (localizer.render(&b.label, lang), b.value))
                .collect(),
            lang,
        }
    }

    /// A horizontal bar chart, one row per bar, each value written at the end of its bar.
    pub fn png(&self) -> anyhow::Result<Vec<u8>> {
        register()?;
        let title = wrap(&self.title, WIDTH - 2 * MARGIN, &|t| width(t, TITLE_SIZE));
        let top = bars_top(title.len());
        let height = top + ROW * self.bars.len().max(1) as u32 + MARGIN;
        let mut pixels = vec![255u8; (WIDTH * height * 3) as usize];
        {
            let root = BitMapBackend::with_buffer(&mut pixels, (WIDTH, height)).into_drawing_area();
            self.draw(&root, &title)
                .map_err(|e| anyhow!("drawing a chart: {e}"))?;
            root.present()
                .map_err(|e| anyhow!("drawing a chart: {e}"))?;
        }
        let mut png = Vec::new();
        let mut encoder = png::Encoder::new(&mut png, WIDTH, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&pixels)?;
        writer.finish()?;
        Ok(png)
    }

    fn draw(
        &self,
        root: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
        title: &[String],
    ) -> Result<(), String> {
        let err = |e: DrawingAreaErrorKind<_>| e.to_string();
        let title_style =
            TextStyle::from((FontFamily::SansSerif, TITLE_SIZE).into_font()).color(&BLACK);
        let label = TextStyle::from((FontFamily::SansSerif, LABEL_SIZE).into_font()).color(&BLACK);
        for (i, line) in title.iter().enumerate() {
            let y = (MARGIN - 6 + TITLE_LINE * i as u32) as i32;
            root.draw(&Text::new(
                line.clone(),
                (MARGIN as i32, y),
                title_style.clone(),
            ))
            .map_err(err)?;
        }
        let top_of_bars = bars_top(title.len());
        let width_of = |text: &str| width(text, LABEL_SIZE);
        let label_column = self
            .bars
            .iter()
            .map(|(label, _)| width_of(label))
            .max()
            .unwrap_or(0)
            .min(WIDTH * 2 / 5);
        let bar_left = MARGIN + label_column + 14;
        let bar_room = WIDTH - MARGIN - VALUE_COLUMN - bar_left;
        let most = self.most();
        for (i, (name, value)) in self.bars.iter().enumerate() {
            let top = (top_of_bars + ROW * i as u32) as i32;
            let shown = fit(name, label_column, &width_of);
            root.draw(&Text::new(shown, (MARGIN as i32, top + 9), label.clone()))
                .map_err(err)?;
            let length = (bar_room as i64 * (*value).max(0) / most) as i32;
            let left = bar_left as i32;
            if *value > 0 {
                root.draw(&Rectangle::new(
                    [
                        (left, top + 6),
                        (left + length.max(2), top + ROW as i32 - 6),
                    ],
                    BAR_COLOR.filled(),
                ))
                .map_err(err)?;
            }
            let value = format_number(*value as f64, self.lang);
            root.draw(&Text::new(
                value,
                (left + length + 10, top + 9),
                label.clone(),
            ))
            .map_err(err)?;
        }
        Ok(())
    }

    /// The longest bar's value (at least 1, so every length is a fraction of it).
    fn most(&self) -> i64 {
        self.bars
            .iter()
            .map(|(_, value)| *value)
            .max()
            .unwrap_or(0)
            .max(1)
    }

    /// The chart's bars as lines of text, for channels without pictures. No title: the reply they
    /// come with says it already, as a picture's caption does.
    pub fn text(&self) -> String {
        let most = self.most();
        self.bars
            .iter()
            .map(|(name, value)| {
                let blocks = (20 * (*value).max(0) / most) as usize;
                format!(
                    "{} {} {}",
                    name,
                    "▇".repeat(if *value > 0 { blocks.max(1) } else { 0 }),
                    format_number(*value as f64, self.lang)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Where the bars start below a title of `lines` lines.
fn bars_top(lines: usize) -> u32 {
    MARGIN + TITLE_LINE * lines as u32 + 16
}

/// Pixels the text takes in the built-in font at `size`.
fn width(text: &str, size: u32) -> u32 {
    (FontFamily::SansSerif, size)
        .into_font()
        .box_size(text)
        .map_or(0, |(w, _)| w)
}

/// The title in lines that fit `room` pixels, broken between words.
fn wrap(text: &str, room: u32, width_of: &impl Fn(&str) -> u32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if width_of(&format!("{line} {word}")) <= room => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

/// The label, shortened with "…" until it fits `width` pixels.
fn fit(label: &str, width: u32, width_of: &impl Fn(&str) -> u32) -> String {
    if width_of(label) <= width {
        return label.to_owned();
    }
    let mut chars: Vec<char> = label.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let shorter = format!("{}…", chars.iter().collect::<String>().trim_end());
        if width_of(&shorter) <= width {
            return shorter;
        }
    }
    "…".to_owned()
}

fn register() -> anyhow::Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let loaded =
        *REGISTERED.get_or_init(|| register_font("sans-serif", FontStyle::Normal, FONT).is_ok());
    anyhow::ensure!(loaded, "the built-in chart font did not load");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plot(bars: &[(&str, i64)]) -> Plot {
        Plot {
            title: "Mô hình theo lĩnh vực".into(),
            bars: bars.iter().map(|(l, v)| ((*l).to_owned(), *v)).collect(),
            lang: Lang::Vi,
        }
    }

    #[test]
    fn a_chart_is_a_png_one_row_per_bar() {
        let png = plot(&[
            ("Kinh tế", 761),
            ("Văn hóa – xã hội", 1284),
            ("Quốc phòng – an ninh", 692),
        ])
        .png()
        .unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(&png));
        let info = decoder.read_info().unwrap().info().clone();
        assert_eq!(
            (info.width, info.height),
            (WIDTH, bars_top(1) + 3 * ROW + MARGIN)
        );
    }

    #[test]
    fn the_longest_bar_is_drawn_with_the_bar_color() {
        let png = plot(&[("Xã Tiên Lữ", 10), ("Phường Phố Hiến", 5)])
            .png()
            .unwrap();
        let mut reader = png::Decoder::new(std::io::Cursor::new(&png))
            .read_info()
            .unwrap();
        let mut pixels = vec![0; reader.output_buffer_size()];
        reader.next_frame(&mut pixels).unwrap();
        let at = |x: u32, y: u32| {
            let i = ((y * WIDTH + x) * 3) as usize;
            (pixels[i], pixels[i + 1], pixels[i + 2])
        };
        let blue = (BAR_COLOR.0, BAR_COLOR.1, BAR_COLOR.2);
        let row_middle = |row: u32| bars_top(1) + ROW * row + ROW / 2;
        // The first bar is twice the second: its end is blue where the second's is white.
        let near_end = WIDTH - MARGIN - VALUE_COLUMN - 5;
        assert_eq!(at(near_end, row_middle(0)), blue);
        assert_eq!(at(near_end, row_middle(1)), (255, 255, 255));
    }

    #[test]
    fn vietnamese_labels_are_drawn_with_their_diacritics() {
        // A glyph missing from the font draws as nothing; "Ữ" differs from "U" only by its marks.
        let inked = |label: &str| {
            let png = plot(&[(label, 1)]).png().unwrap();
            let mut reader = png::Decoder::new(std::io::Cursor::new(&png))
                .read_info()
                .unwrap();
            let mut pixels = vec![0; reader.output_buffer_size()];
            reader.next_frame(&mut pixels).unwrap();
            // The label band of the only row.
            let (top, bottom) = (bars_top(1) * WIDTH * 3, (bars_top(1) + ROW) * WIDTH * 3);
            pixels[top as usize..bottom as usize]
                .chunks(3)
                .filter(|p| p[0] < 128 && p[0] == p[2])
                .count()
        };
        assert!(inked("Ữ") > inked("U"));
        assert!(inked("Tiên Lữ") > inked("Tien Lu"));
    }

    #[test]
    fn a_long_title_wraps_between_words() {
        let width_of = |s: &str| s.chars().count() as u32 * 10;
        assert_eq!(
            wrap("Mô hình theo đơn vị, toàn tỉnh", 150, &width_of),
            ["Mô hình theo", "đơn vị, toàn", "tỉnh"]
        );
    }

    #[test]
    fn a_long_label_is_shortened_to_fit() {
        let width_of = |s: &str| s.chars().count() as u32 * 10;
        assert_eq!(fit("Phường Phố Hiến", 80, &width_of), "Phường…");
        assert_eq!(fit("Xã", 80, &width_of), "Xã");
    }

    #[test]
    fn the_text_form_draws_bars_in_proportion() {
        let text = plot(&[("Kinh tế", 1000), ("An ninh", 500)]).text();
        assert_eq!(
            text,
            "Kinh tế ▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇ 1.000\nAn ninh ▇▇▇▇▇▇▇▇▇▇ 500"
        );
    }
}

//! A station's printable poster as one PNG: a heading band, the station's name, its code, a
//! caption, and paragraphs (opening hours, address, deputies), drawn at A4 proportions.
//!
//! Chinese text needs a CJK font, which is far too large to compile in and must not be copied
//! into the repository: it is read from a file the settings name (a TrueType font or a
//! collection, with the face's index), so a machine without it fails here, and only here.

use std::path::Path;

use ab_glyph::{point, Font, FontVec, GlyphId, PxScale, ScaleFont};
use image::imageops::{self, FilterType};
use image::{ImageFormat, Rgb, RgbImage};

/// A4 at 150 dots per inch.
const WIDTH: u32 = 1240;
const MIN_HEIGHT: u32 = 1754;
const MARGIN: u32 = 100;
const BAND: u32 = 170;
const CODE_SIZE: u32 = 720;

const HEADING_PX: f32 = 68.0;
const STATION_PX: f32 = 64.0;
const CAPTION_PX: f32 = 40.0;
const TEXT_PX: f32 = 36.0;
/// Line height as a multiple of the text's size.
const LEADING: f32 = 1.45;

const PAPER: Rgb<u8> = Rgb([255, 255, 255]);
const INK: Rgb<u8> = Rgb([31, 41, 51]);
const MUTED: Rgb<u8> = Rgb([95, 107, 122]);
/// 人大红, the console's brand colour.
const BRAND: Rgb<u8> = Rgb([166, 27, 27]);

#[derive(Debug, thiserror::Error)]
pub enum PosterError {
    /// The font file is absent, unreadable, or holds no face at the index given.
    #[error("the poster font {path} cannot be used: {reason}")]
    Font { path: String, reason: String },
    #[error("the station code is not an image: {0}")]
    Code(String),
    #[error("could not encode the poster: {0}")]
    Encode(String),
}

/// The face text is drawn in.
pub struct PosterFont(FontVec);

impl PosterFont {
    /// Reads face `index` of the font (or collection) at `path`.
    pub fn load(path: &Path, index: u32) -> Result<Self, PosterError> {
        let failed = |reason: String| PosterError::Font {
            path: path.display().to_string(),
            reason,
        };
        let bytes = std::fs::read(path).map_err(|e| failed(e.to_string()))?;
        FontVec::try_from_vec_and_index(bytes, index)
            .map(Self)
            .map_err(|e| failed(format!("face {index}: {e}")))
    }
}

/// What a poster says, top to bottom.
pub struct Poster<'a> {
    pub heading: &'a str,
    pub station: &'a str,
    /// The station's code as an image file (PNG or JPEG).
    pub code: &'a [u8],
    pub caption: &'a str,
    /// Paragraphs under the caption, each wrapped to the page's width.
    pub paragraphs: &'a [String],
}

/// One line of text placed on the page.
struct Line {
    text: String,
    px: f32,
    color: Rgb<u8>,
    /// Centred on the page, else from the left margin.
    centred: bool,
    top: u32,
}

/// The poster as PNG bytes.
pub fn png(font: &PosterFont, poster: &Poster<'_>) -> Result<Vec<u8>, PosterError> {
    let font = &font.0;
    let code = image::load_from_memory(poster.code)
        .map_err(|e| PosterError::Code(e.to_string()))?
        .to_rgb8();
    let code = imageops::resize(&code, CODE_SIZE, CODE_SIZE, FilterType::Triangle);

    let text_width = (WIDTH - 2 * MARGIN) as f32;
    let mut lines = Vec::new();
    let mut top = BAND + 80;
    // Each paragraph's lines go below the last, moving `top` down.
    let place = |lines: &mut Vec<Line>,
                 paragraph: &str,
                 px: f32,
                 color: Rgb<u8>,
                 centred: bool,
                 top: &mut u32| {
        for text in wrap(font, px, paragraph, text_width) {
            lines.push(Line {
                text,
                px,
                color,
                centred,
                top: *top,
            });
            *top += (px * LEADING) as u32;
        }
    };
    place(&mut lines, poster.station, STATION_PX, INK, true, &mut top);
    top += 40;
    let code_top = top;
    top += CODE_SIZE + 30;
    place(
        &mut lines,
        poster.caption,
        CAPTION_PX,
        BRAND,
        true,
        &mut top,
    );
    top += 40;
    for paragraph in poster.paragraphs {
        place(&mut lines, paragraph, TEXT_PX, MUTED, false, &mut top);
        top += 16;
    }
    let height = (top + MARGIN).max(MIN_HEIGHT);

    let mut canvas = RgbImage::from_pixel(WIDTH, height, PAPER);
    for y in 0..BAND {
        for x in 0..WIDTH {
            canvas.put_pixel(x, y, BRAND);
        }
    }
    let heading_top = (BAND as f32 - HEADING_PX * LEADING) / 2.0;
    let heading_left = centre(font, HEADING_PX, poster.heading);
    draw(
        &mut canvas,
        font,
        HEADING_PX,
        (heading_left, heading_top),
        poster.heading,
        PAPER,
    );
    imageops::overlay(
        &mut canvas,
        &code,
        i64::from((WIDTH - CODE_SIZE) / 2),
        i64::from(code_top),
    );
    for line in &lines {
        let left = if line.centred {
            centre(font, line.px, &line.text)
        } else {
            MARGIN as f32
        };
        draw(
            &mut canvas,
            font,
            line.px,
            (left, line.top as f32),
            &line.text,
            line.color,
        );
    }

    let mut bytes = std::io::Cursor::new(Vec::new());
    canvas
        .write_to(&mut bytes, ImageFormat::Png)
        .map_err(|e| PosterError::Encode(e.to_string()))?;
    Ok(bytes.into_inner())
}

/// The left edge that centres `text` on the page.
fn centre(font: &FontVec, px: f32, text: &str) -> f32 {
    ((WIDTH as f32 - width(font, px, text)) / 2.0).max(MARGIN as f32)
}

/// How wide `text` runs at `px`, kerning included.
fn width(font: &FontVec, px: f32, text: &str) -> f32 {
    let scaled = font.as_scaled(PxScale::from(px));
    let mut previous: Option<GlyphId> = None;
    text.chars()
        .map(|c| {
            let id = scaled.glyph_id(c);
            let kern = previous.map_or(0.0, |p| scaled.kern(p, id));
            previous = Some(id);
            kern + scaled.h_advance(id)
        })
        .sum()
}

/// `text` cut into lines no wider than `max`. Chinese breaks between any two characters, so
/// the cut is by character; a line never starts with the space it was cut at.
fn wrap(font: &FontVec, px: f32, text: &str, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for c in text.chars() {
        let mut longer = line.clone();
        longer.push(c);
        if !line.is_empty() && width(font, px, &longer) > max {
            lines.push(std::mem::take(&mut line));
            if c.is_whitespace() {
                continue;
            }
            line.push(c);
        } else {
            line = longer;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Draws one line of `text` with its box's top-left corner at `(left, top)`, blending each
/// glyph's coverage into the page.
fn draw(
    canvas: &mut RgbImage,
    font: &FontVec,
    px: f32,
    (left, top): (f32, f32),
    text: &str,
    color: Rgb<u8>,
) {
    let scaled = font.as_scaled(PxScale::from(px));
    // Half the leading above the ascent, so lines of one paragraph sit evenly.
    let baseline = top + px * (LEADING - 1.0) / 2.0 + scaled.ascent();
    let mut caret = left;
    let mut previous: Option<GlyphId> = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            caret += scaled.kern(p, id);
        }
        previous = Some(id);
        let glyph = id.with_scale_and_position(px, point(caret, baseline));
        caret += scaled.h_advance(id);
        let Some(outline) = font.outline_glyph(glyph) else {
            continue;
        };
        let bounds = outline.px_bounds();
        outline.draw(|x, y, coverage| {
            let x = bounds.min.x as i64 + i64::from(x);
            let y = bounds.min.y as i64 + i64::from(y);
            let (Ok(x), Ok(y)) = (u32::try_from(x), u32::try_from(y)) else {
                return;
            };
            if x >= canvas.width() || y >= canvas.height() {
                return;
            }
            let under = canvas.get_pixel(x, y).0;
            let mix = |from: u8, to: u8| {
                (f32::from(from) + (f32::from(to) - f32::from(from)) * coverage.min(1.0)) as u8
            };
            canvas.put_pixel(
                x,
                y,
                Rgb([
                    mix(under[0], color.0[0]),
                    mix(under[1], color.0[1]),
                    mix(under[2], color.0[2]),
                ]),
            );
        });
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// Debian's fonts-noto-cjk, face 2 (Simplified Chinese); the tests that need it say so
    /// and pass without it, since the font is a system package, not part of the repository.
    fn noto() -> Option<PosterFont> {
        let path = PathBuf::from("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc");
        if !path.exists() {
            eprintln!("skipped: {} is not installed", path.display());
            return None;
        }
        Some(PosterFont::load(&path, 2).unwrap())
    }

    fn code() -> Vec<u8> {
        crate::qr::png("http://127.0.0.1:8080/s/1.abc").unwrap()
    }

    #[test]
    fn a_missing_font_names_its_path() {
        let result = PosterFont::load(Path::new("/nonexistent/font.ttc"), 0);
        match result {
            Err(PosterError::Font { path, .. }) => assert_eq!(path, "/nonexistent/font.ttc"),
            _ => panic!("expected a font error"),
        }
    }

    #[test]
    fn a_file_that_is_no_font_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("font.ttc");
        std::fs::write(&path, b"not a font").unwrap();
        assert!(matches!(
            PosterFont::load(&path, 0),
            Err(PosterError::Font { .. })
        ));
    }

    #[test]
    fn the_poster_is_an_a4_png_with_ink_on_it() {
        let Some(font) = noto() else { return };
        let code = code();
        let paragraphs = vec![
            "开放时间：周一至周五 9:00-17:00".to_owned(),
            "进站代表：王秀英、李建国、刘桂兰、杨卫东".to_owned(),
        ];
        let poster = Poster {
            heading: "码上说事",
            station: "柏城街道人大代表联络站",
            code: &code,
            caption: "微信扫一扫，反映您的意见建议",
            paragraphs: &paragraphs,
        };
        let bytes = png(&font, &poster).unwrap();
        let image = image::load_from_memory(&bytes).unwrap().to_rgb8();
        assert_eq!((image.width(), image.height()), (WIDTH, MIN_HEIGHT));
        // The heading is drawn in white on the band, the station's name in ink below it.
        let band = (0..BAND).flat_map(|y| (0..WIDTH).map(move |x| (x, y)));
        assert!(band
            .into_iter()
            .any(|(x, y)| *image.get_pixel(x, y) == PAPER));
        let name_rows = BAND + 80..BAND + 80 + STATION_PX as u32;
        assert!(name_rows
            .flat_map(|y| (0..WIDTH).map(move |x| (x, y)))
            .any(|(x, y)| image.get_pixel(x, y).0[0] < 100));
    }

    #[test]
    fn many_deputies_make_a_longer_page_not_a_cut_one() {
        let Some(font) = noto() else { return };
        let code = code();
        let names = vec!["欧阳建国"; 200].join("、");
        let paragraphs = vec![format!("进站代表：{names}")];
        let poster = Poster {
            heading: "码上说事",
            station: "柏城街道人大代表联络站",
            code: &code,
            caption: "微信扫一扫",
            paragraphs: &paragraphs,
        };
        let image = image::load_from_memory(&png(&font, &poster).unwrap()).unwrap();
        assert_eq!(image.width(), WIDTH);
        assert!(image.height() > MIN_HEIGHT, "{}", image.height());
    }

    #[test]
    fn wrapping_keeps_every_character_and_each_line_fits() {
        let Some(font) = noto() else { return };
        let text = "进站代表：王秀英、李建国、刘桂兰、杨卫东、张丽华、陈志强、赵红梅";
        let lines = wrap(&font.0, 36.0, text, 400.0);
        assert!(lines.len() > 1, "{lines:?}");
        assert_eq!(lines.concat(), text);
        assert!(lines.iter().all(|l| width(&font.0, 36.0, l) <= 400.0));
    }
}

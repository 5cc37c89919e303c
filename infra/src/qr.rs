//! Plain QR codes as PNG, for stations when WeChat is not configured.

use image::{ImageFormat, Luma};
use qrcode::QrCode;

#[derive(Debug, thiserror::Error)]
#[error("could not render the QR code: {0}")]
pub struct QrError(String);

/// A PNG of a QR code holding `text`, large enough to print on an A4 poster.
pub fn png(text: &str) -> Result<Vec<u8>, QrError> {
    let code = QrCode::new(text.as_bytes()).map_err(|e| QrError(e.to_string()))?;
    let image = code
        .render::<Luma<u8>>()
        .min_dimensions(430, 430)
        .quiet_zone(true)
        .build();
    let mut bytes = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut bytes, ImageFormat::Png)
        .map_err(|e| QrError(e.to_string()))?;
    Ok(bytes.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_png() {
        let bytes = png("http://127.0.0.1:8080/s/1.abc").unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let decoded = image::load_from_memory(&bytes).unwrap();
        assert!(decoded.width() >= 430);
    }
}

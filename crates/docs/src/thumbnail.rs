//! Small previews of photos for lists and pages.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{ImageReader, Limits};

/// Longest side of a thumbnail, in pixels.
pub const THUMBNAIL_SIZE: u32 = 320;

/// A JPEG preview of an image, or None when it cannot be decoded (or is
/// too large to decode safely).
pub fn thumbnail(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().ok()?;
    let mut limits = Limits::default();
    // A 48-megapixel phone photo (8000×6000) decodes; a crafted 9000×9000
    // image is refused from its header, before any pixel is allocated.
    limits.max_image_width = Some(8_192);
    limits.max_image_height = Some(8_192);
    limits.max_alloc = Some(160 * 1024 * 1024);
    reader.limits(limits);
    let image = reader.decode().ok()?;
    let small = image.thumbnail(THUMBNAIL_SIZE, THUMBNAIL_SIZE).to_rgb8();
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 80).encode_image(&small).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn a_photo_gets_a_small_jpeg() {
        let thumb = thumbnail(&png(1200, 800)).unwrap();
        let decoded = image::load_from_memory(&thumb).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (320, 213));
        assert!(thumb.starts_with(&[0xFF, 0xD8, 0xFF]));
    }

    #[test]
    fn garbage_gets_none() {
        assert_eq!(thumbnail(b"\x89PNG\r\n\x1a\nbroken"), None);
        assert_eq!(thumbnail(b"%PDF-1.4"), None);
    }
}

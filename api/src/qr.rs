//! QR codes for Digital Link URIs, as SVG or PNG.

use qrcode::{Color, EcLevel, QrCode};

/// The Digital Link URI of an item path under `base` (`https://host`).
pub fn item_uri(base: &str, item_path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        item_path.trim_start_matches('/')
    )
}

fn code(data: &str) -> Result<QrCode, String> {
    QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M).map_err(|e| e.to_string())
}

/// An SVG QR code (with its quiet zone) encoding `data`.
pub fn svg(data: &str) -> Result<String, String> {
    Ok(code(data)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build())
}

/// A greyscale PNG QR code encoding `data`, `scale` pixels per module, 4-module quiet zone.
pub fn png(data: &str, scale: u32) -> Result<Vec<u8>, String> {
    let code = code(data)?;
    let modules = code.width() as u32;
    let colors = code.to_colors();
    let quiet = 4;
    let side = (modules + 2 * quiet) * scale;
    let mut pixels = vec![255u8; (side * side) as usize];
    for y in 0..modules {
        for x in 0..modules {
            if colors[(y * modules + x) as usize] == Color::Dark {
                for dy in 0..scale {
                    let row = ((y + quiet) * scale + dy) * side;
                    let start = (row + (x + quiet) * scale) as usize;
                    pixels[start..start + scale as usize].fill(0);
                }
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, side, side);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().map_err(|e| e.to_string())?;
        w.write_image_data(&pixels).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

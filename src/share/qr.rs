//! The share's address as a QR code, drawn with half blocks: two rows of modules per line of
//! text, so a code is as wide as it is tall on a terminal's cells.

use qrcode::{Color, EcLevel, QrCode};

/// Light modules around the code (the standard asks for 4; 2 scan well on a screen).
const QUIET: usize = 2;

/// The code for `text` as lines of half blocks, light modules drawn (for light text on a dark
/// background, a terminal's usual colours): `None` when the text is too long for a code.
pub(crate) fn lines(text: &str) -> Option<Vec<String>> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let size = width + 2 * QUIET;
    // Light at (x, y) on the code with its quiet zone.
    let light = |x: usize, y: usize| {
        if x < QUIET || y < QUIET || x >= width + QUIET || y >= width + QUIET {
            return true;
        }
        colors[(y - QUIET) * width + (x - QUIET)] == Color::Light
    };
    let mut out = Vec::new();
    for y in (0..size).step_by(2) {
        let line = (0..size)
            .map(|x| {
                let top = light(x, y);
                let bottom = y + 1 < size && light(x, y + 1);
                match (top, bottom) {
                    (true, true) => '█',
                    (true, false) => '▀',
                    (false, true) => '▄',
                    (false, false) => ' ',
                }
            })
            .collect();
        out.push(line);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_address_fits_a_small_code_with_square_cells() {
        let l =
            lines("http://192.168.100.200:7341/0123456789abcdef0123456789abcdef/").expect("a code");
        let width = l[0].chars().count();
        assert!(width <= 37 + 2 * QUIET, "version 5 at most: {width}");
        assert_eq!(l.len(), width.div_ceil(2));
        // The quiet zone is light all round.
        assert!(l[0].chars().all(|c| c == '█'));
    }
}

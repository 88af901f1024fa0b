//! A minimal TrueType subsetter, so that `report.html` can carry the few
//! glyphs it uses (tens of kB) instead of the whole chart font, and
//! Chinese text in the report renders in a browser with no CJK fonts.
//!
//! It handles what the embedded font is: a single `glyf` TrueType face. It
//! keeps the glyphs of the requested characters (plus `.notdef` and the
//! components of composite glyphs), renumbers them, and writes `head`,
//! `hhea`, `maxp`, `OS/2`, `name`, `hmtx`, `loca`, `glyf`, a format-4
//! `cmap` and a version-3 `post`. Layout tables (GSUB/GPOS/GDEF) and
//! vertical metrics are dropped: a browser does not need them to draw
//! these labels. Characters outside the Basic Multilingual Plane are
//! ignored.

use std::collections::{BTreeMap, BTreeSet};

fn u16_at(b: &[u8], o: usize) -> Option<u16> {
    b.get(o..o + 2).map(|s| u16::from_be_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], o: usize) -> Option<u32> {
    b.get(o..o + 4).map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

fn put16(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_be_bytes());
}

fn put32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_be_bytes());
}

/// Tables of a single-face font, by tag.
fn tables(font: &[u8]) -> Option<BTreeMap<[u8; 4], &[u8]>> {
    let n = u16_at(font, 4)? as usize;
    let mut out = BTreeMap::new();
    for i in 0..n {
        let r = 12 + 16 * i;
        let tag: [u8; 4] = font.get(r..r + 4)?.try_into().ok()?;
        let off = u32_at(font, r + 8)? as usize;
        let len = u32_at(font, r + 12)? as usize;
        out.insert(tag, font.get(off..off + len)?);
    }
    Some(out)
}

/// Byte range of glyph `g` in `glyf`.
fn glyph_range(loca: &[u8], long: bool, g: usize) -> Option<(usize, usize)> {
    if long {
        Some((u32_at(loca, 4 * g)? as usize, u32_at(loca, 4 * g + 4)? as usize))
    } else {
        Some((2 * u16_at(loca, 2 * g)? as usize, 2 * u16_at(loca, 2 * g + 2)? as usize))
    }
}

const ARG_1_AND_2_ARE_WORDS: u16 = 0x0001;
const WE_HAVE_A_SCALE: u16 = 0x0008;
const MORE_COMPONENTS: u16 = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE: u16 = 0x0040;
const WE_HAVE_A_TWO_BY_TWO: u16 = 0x0080;

/// Offsets (within the glyph) of the component glyph indices of a
/// composite glyph; empty for a simple or empty glyph.
fn component_offsets(glyph: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    if glyph.len() < 10 || (u16_at(glyph, 0).unwrap_or(0) as i16) >= 0 {
        return out;
    }
    let mut o = 10;
    while let (Some(flags), Some(_)) = (u16_at(glyph, o), u16_at(glyph, o + 2)) {
        out.push(o + 2);
        o += 4;
        o += if flags & ARG_1_AND_2_ARE_WORDS != 0 { 4 } else { 2 };
        if flags & WE_HAVE_A_SCALE != 0 {
            o += 2;
        } else if flags & WE_HAVE_AN_X_AND_Y_SCALE != 0 {
            o += 4;
        } else if flags & WE_HAVE_A_TWO_BY_TWO != 0 {
            o += 8;
        }
        if flags & MORE_COMPONENTS == 0 {
            break;
        }
    }
    out
}

/// A TrueType font with only the glyphs of `chars` (and `.notdef`), or
/// `None` if `font` is not a single-face `glyf` TrueType font.
pub fn subset(font: &[u8], chars: impl IntoIterator<Item = char>) -> Option<Vec<u8>> {
    let face = ttf_parser::Face::parse(font, 0).ok()?;
    let t = tables(font)?;
    let head = *t.get(b"head")?;
    let hhea = *t.get(b"hhea")?;
    let maxp = *t.get(b"maxp")?;
    let hmtx = *t.get(b"hmtx")?;
    let loca = *t.get(b"loca")?;
    let glyf = *t.get(b"glyf")?;
    let long = u16_at(head, 50)? == 1;
    let num_glyphs = u16_at(maxp, 4)? as usize;
    let num_h = (u16_at(hhea, 34)? as usize).max(1);

    // Characters → old glyphs; new glyph ids in character order so that
    // runs of characters become single cmap segments.
    let chars: BTreeSet<char> = chars.into_iter().filter(|c| (*c as u32) < 0xFFFF).collect();
    let mut order: Vec<u16> = vec![0];
    let mut new_of: BTreeMap<u16, u16> = BTreeMap::from([(0, 0)]);
    let mut cmap: Vec<(u16, u16)> = Vec::new();
    for c in &chars {
        let Some(g) = face.glyph_index(*c) else { continue };
        let g = g.0;
        if g as usize >= num_glyphs {
            continue;
        }
        let id = *new_of.entry(g).or_insert_with(|| {
            order.push(g);
            (order.len() - 1) as u16
        });
        cmap.push((*c as u32 as u16, id));
    }
    // Components of composites (transitively).
    let mut i = 0;
    while i < order.len() {
        let (a, b) = glyph_range(loca, long, order[i] as usize)?;
        let data = glyf.get(a..b)?;
        for o in component_offsets(data) {
            let g = u16_at(data, o)?;
            if !new_of.contains_key(&g) && (g as usize) < num_glyphs {
                new_of.insert(g, order.len() as u16);
                order.push(g);
            }
        }
        i += 1;
    }

    // glyf, loca, hmtx.
    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::new();
    let mut new_hmtx = Vec::new();
    let last_adv = u16_at(hmtx, 4 * (num_h - 1))?;
    for &g in &order {
        put32(&mut new_loca, new_glyf.len() as u32);
        let (a, b) = glyph_range(loca, long, g as usize)?;
        let mut data = glyf.get(a..b)?.to_vec();
        for o in component_offsets(&data) {
            let old = u16_at(&data, o)?;
            let new = *new_of.get(&old)?;
            data[o..o + 2].copy_from_slice(&new.to_be_bytes());
        }
        new_glyf.extend_from_slice(&data);
        while new_glyf.len() % 4 != 0 {
            new_glyf.push(0);
        }
        let g = g as usize;
        let (adv, lsb) = if g < num_h {
            (u16_at(hmtx, 4 * g)?, u16_at(hmtx, 4 * g + 2)?)
        } else {
            (last_adv, u16_at(hmtx, 4 * num_h + 2 * (g - num_h)).unwrap_or(0))
        };
        put16(&mut new_hmtx, adv);
        put16(&mut new_hmtx, lsb);
    }
    put32(&mut new_loca, new_glyf.len() as u32);
    let n = order.len() as u16;

    let mut new_head = head.to_vec();
    new_head[8..12].copy_from_slice(&[0; 4]);
    new_head[50..52].copy_from_slice(&1u16.to_be_bytes());
    let mut new_hhea = hhea.to_vec();
    new_hhea[34..36].copy_from_slice(&n.to_be_bytes());
    let mut new_maxp = maxp.to_vec();
    new_maxp[4..6].copy_from_slice(&n.to_be_bytes());
    let mut new_post = t.get(b"post").map_or(vec![0; 32], |p| p.get(..32).unwrap_or(&[0; 32]).to_vec());
    new_post.resize(32, 0);
    new_post[0..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
    new_post[16..32].copy_from_slice(&[0; 16]);

    let mut out_tables: Vec<([u8; 4], Vec<u8>)> = vec![
        (*b"cmap", cmap_table(&cmap)),
        (*b"glyf", new_glyf),
        (*b"head", new_head),
        (*b"hhea", new_hhea),
        (*b"hmtx", new_hmtx),
        (*b"loca", new_loca),
        (*b"maxp", new_maxp),
        (*b"post", new_post),
    ];
    for tag in [b"OS/2", b"name"] {
        if let Some(x) = t.get(tag) {
            out_tables.push((*tag, x.to_vec()));
        }
    }
    out_tables.sort_by_key(|a| a.0);
    Some(assemble(&out_tables))
}

/// `cmap` with one format-4 subtable for (0, 3) and (3, 1).
fn cmap_table(map: &[(u16, u16)]) -> Vec<u8> {
    // Segments of consecutive characters with consecutive glyphs.
    let mut segs: Vec<(u16, u16, u16)> = Vec::new(); // (start, end, first glyph)
    for &(c, g) in map {
        match segs.last_mut() {
            Some((s, e, g0)) if c == e.wrapping_add(1) && g == g0.wrapping_add(c - *s) && c != 0xFFFF => *e = c,
            _ => segs.push((c, c, g)),
        }
    }
    segs.push((0xFFFF, 0xFFFF, 0));
    let seg_count = segs.len() as u16;
    let entry_selector = 15 - seg_count.leading_zeros() as u16; // floor(log2)
    let search_range = 2 * (1u16 << entry_selector);
    let mut sub = Vec::new();
    put16(&mut sub, 4);
    put16(&mut sub, 0); // length, set below
    put16(&mut sub, 0);
    put16(&mut sub, seg_count * 2);
    put16(&mut sub, search_range);
    put16(&mut sub, entry_selector);
    put16(&mut sub, seg_count * 2 - search_range);
    for s in &segs {
        put16(&mut sub, s.1);
    }
    put16(&mut sub, 0);
    for s in &segs {
        put16(&mut sub, s.0);
    }
    for s in &segs {
        let delta = if s.0 == 0xFFFF { 1 } else { s.2.wrapping_sub(s.0) };
        put16(&mut sub, delta);
    }
    for _ in &segs {
        put16(&mut sub, 0);
    }
    let len = sub.len() as u16;
    sub[2..4].copy_from_slice(&len.to_be_bytes());
    let mut out = Vec::new();
    put16(&mut out, 0);
    put16(&mut out, 2);
    for (p, e) in [(0u16, 3u16), (3, 1)] {
        put16(&mut out, p);
        put16(&mut out, e);
        put32(&mut out, 4 + 8 * 2);
    }
    out.extend_from_slice(&sub);
    out
}

fn checksum(b: &[u8]) -> u32 {
    b.chunks(4).fold(0u32, |acc, c| {
        let mut w = [0u8; 4];
        w[..c.len()].copy_from_slice(c);
        acc.wrapping_add(u32::from_be_bytes(w))
    })
}

/// Offset table, table records (sorted by tag) and 4-byte aligned tables;
/// sets `head.checkSumAdjustment`.
fn assemble(tables: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let n = tables.len() as u16;
    let entry_selector = 15 - n.leading_zeros() as u16;
    let search_range = 16 * (1u16 << entry_selector);
    let mut out = Vec::new();
    put32(&mut out, 0x0001_0000);
    put16(&mut out, n);
    put16(&mut out, search_range);
    put16(&mut out, entry_selector);
    put16(&mut out, n * 16 - search_range);
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in tables {
        out.extend_from_slice(tag);
        put32(&mut out, checksum(data));
        put32(&mut out, offset as u32);
        put32(&mut out, data.len() as u32);
        if tag == b"head" {
            head_at = Some(offset);
        }
        offset += data.len().div_ceil(4) * 4;
    }
    for (_, data) in tables {
        out.extend_from_slice(data);
        while out.len() % 4 != 0 {
            out.push(0);
        }
    }
    if let Some(h) = head_at {
        let adj = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[h + 8..h + 12].copy_from_slice(&adj.to_be_bytes());
    }
    out
}

/// Standard base64 (RFC 4648) with padding, for `data:` URLs.
pub fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(data.len().div_ceil(3) * 4);
    for c in data.chunks(3) {
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= c.len() {
                s.push(A[((v >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_keeps_requested_glyphs_and_metrics() {
        let font = super::super::style::FONT;
        let full = ttf_parser::Face::parse(font, 0).unwrap();
        let text = "Utilisation 孪井滩 (MW) ± 95 %";
        let sub = subset(font, text.chars()).unwrap();
        assert!(sub.len() < 40_000, "subset is {} bytes", sub.len());
        let face = ttf_parser::Face::parse(&sub, 0).unwrap();
        for c in text.chars() {
            let g = face.glyph_index(c).unwrap_or_else(|| panic!("{c:?} missing"));
            let g0 = full.glyph_index(c).unwrap();
            assert_eq!(face.glyph_hor_advance(g), full.glyph_hor_advance(g0), "{c:?}");
            assert_eq!(face.glyph_bounding_box(g), full.glyph_bounding_box(g0), "{c:?}");
        }
        assert!(face.glyph_index('Q').is_none());
        // checkSumAdjustment makes the whole font sum to the magic number.
        assert_eq!(checksum(&sub), 0xB1B0_AFBA);
    }

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (i, o) in
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("foobar", "Zm9vYmFy")]
        {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }
}

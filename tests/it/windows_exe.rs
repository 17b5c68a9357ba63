//! `convene.exe` carries what Windows shows and IT checks (build.rs): the version information
//! Explorer shows in Properties › Details, the icon and the application manifest. Read back
//! from the built program's resources. Windows builds only: CI runs these under Wine
//! (`.ci/wine/test`), against the `convene.exe` cargo built for the tests.
#![cfg(windows)]

use object::LittleEndian as LE;
use object::pe::{RT_GROUP_ICON, RT_ICON, RT_MANIFEST, RT_VERSION};
use object::read::pe::{PeFile64, ResourceDirectoryEntryData};

/// The data of every resource of `kind` in the program (each name, each language).
fn resources(kind: u16) -> Vec<Vec<u8>> {
    let data = std::fs::read(env!("CARGO_BIN_EXE_convene")).expect("convene.exe is readable");
    let file = PeFile64::parse(&*data).expect("convene.exe is a 64-bit PE file");
    let sections = file.section_table();
    let dir = file
        .data_directories()
        .resource_directory(&*data, &sections)
        .expect("a resource directory is readable")
        .expect("convene.exe has resources");
    let mut found = Vec::new();
    let root = dir.root().expect("the root table");
    for by_kind in root.entries {
        if by_kind.name_or_id().id() != Some(kind) {
            continue;
        }
        let ResourceDirectoryEntryData::Table(names) = by_kind.data(dir).expect("a table") else {
            continue;
        };
        for by_name in names.entries {
            let ResourceDirectoryEntryData::Table(langs) = by_name.data(dir).expect("a table")
            else {
                continue;
            };
            for by_lang in langs.entries {
                if let ResourceDirectoryEntryData::Data(entry) = by_lang.data(dir).expect("data") {
                    let rva = entry.offset_to_data.get(LE);
                    let size = entry.size.get(LE) as usize;
                    let bytes = sections.pe_data_at(&*data, rva).expect("the resource's data");
                    found.push(bytes[..size].to_vec());
                }
            }
        }
    }
    found
}

/// The version resource's text as UTF-16 read back, NULs as `|`.
fn version_text(res: &[u8]) -> String {
    let units: Vec<u16> = res.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    char::decode_utf16(units).map(|c| c.map_or('?', |c| if c == '\0' { '|' } else { c })).collect()
}

/// The value stored under `key` in the version resource's string table.
fn string_value(text: &str, key: &str) -> Option<String> {
    let at = text.find(&format!("{key}|"))? + key.len();
    let rest = text[at..].trim_start_matches('|');
    Some(rest.split('|').next()?.to_string())
}

#[test]
fn explorer_shows_convenes_version_and_description() {
    let version = env!("CARGO_PKG_VERSION");
    let all = resources(RT_VERSION);
    assert_eq!(all.len(), 1, "one version resource");
    let res = &all[0];
    // VS_FIXEDFILEINFO: its signature, then the file version as four 16-bit numbers.
    let sig = 0xFEEF_04BDu32.to_le_bytes();
    let at = res.windows(4).position(|w| w == sig).expect("VS_FIXEDFILEINFO's signature");
    let word = |i: usize| u32::from_le_bytes(res[at + i..at + i + 4].try_into().expect("4 bytes"));
    let (ms, ls) = (word(8), word(12));
    let fixed = format!("{}.{}.{}", ms >> 16, ms & 0xFFFF, ls >> 16);
    assert_eq!(fixed, version, "the numeric file version");
    let text = version_text(res);
    assert_eq!(string_value(&text, "FileVersion").as_deref(), Some(version), "{text}");
    assert_eq!(string_value(&text, "ProductVersion").as_deref(), Some(version), "{text}");
    assert_eq!(string_value(&text, "ProductName").as_deref(), Some("convene"), "{text}");
    assert_eq!(string_value(&text, "OriginalFilename").as_deref(), Some("convene.exe"));
    let description = string_value(&text, "FileDescription").expect("a description");
    assert!(description.starts_with("convene"), "{description}");
}

#[test]
fn the_manifest_asks_for_utf8_long_paths_and_no_elevation() {
    let all = resources(RT_MANIFEST);
    assert_eq!(all.len(), 1, "one manifest");
    let manifest = String::from_utf8(all[0].clone()).expect("the manifest is UTF-8 XML");
    for wanted in [r#"level="asInvoker""#, ">UTF-8</activeCodePage>", ">true</longPathAware>"] {
        assert!(manifest.contains(wanted), "the manifest lacks {wanted}:\n{manifest}");
    }
}

#[test]
fn the_program_has_its_clock_icon_in_four_sizes() {
    let groups = resources(RT_GROUP_ICON);
    assert_eq!(groups.len(), 1, "one icon group");
    // GRPICONDIR: reserved, type 1 (icon), the number of images.
    let count = u16::from_le_bytes([groups[0][4], groups[0][5]]);
    assert_eq!(count, 4, "16, 32, 48 and 256 pixels");
    assert_eq!(resources(RT_ICON).len(), 4);
}

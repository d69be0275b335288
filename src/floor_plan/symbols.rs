//! The equipment symbol library: the built-in symbols and a site's own (`symbols/*.toml`),
//! with the size each one occupies on a plan.

use std::collections::BTreeMap;

/// One kind of equipment that can be placed in a room.
#[derive(Debug, Clone, PartialEq)]
pub struct Symbol {
    pub id: String,
    pub label: String,
    /// Extent along x before rotation, mm.
    pub width: u32,
    /// Extent along y before rotation, mm.
    pub depth: u32,
    pub builtin: bool,
}

/// Built-in symbols: `(id, label, width, depth)`. Sizes are typical footprints.
pub const BUILTIN: &[(&str, &str, u32, u32)] = &[
    ("dental-chair", "牙科治疗椅", 1000, 1900),
    ("sink", "洗手池", 600, 450),
    ("autoclave", "高压蒸汽灭菌器", 600, 500),
    ("ultrasonic-cleaner", "超声清洗机", 500, 400),
    ("washer-disinfector", "清洗消毒机", 600, 600),
    ("sealer", "封口机", 500, 400),
    ("xray-intraoral", "口内 X 光牙片机", 600, 600),
    ("panoramic", "口腔全景 X 光机", 1200, 1200),
    ("cbct", "口腔 CBCT", 1500, 1500),
    ("cabinet", "器械柜", 1200, 500),
    ("desk", "诊桌 / 办公桌", 1200, 600),
    ("reception-desk", "接诊台", 2000, 700),
    ("bench", "候诊椅", 1800, 500),
    ("toilet", "坐便器", 400, 700),
    ("compressor", "空压机", 700, 500),
    ("suction", "负压抽吸机", 600, 500),
    ("waste-bin", "医疗废物桶", 500, 500),
    ("warning-light", "工作状态指示灯", 300, 300),
];

/// All symbols a site may use, by id.
#[derive(Debug, Clone, Default)]
pub struct SymbolLibrary {
    pub symbols: BTreeMap<String, Symbol>,
}

impl SymbolLibrary {
    pub fn builtin() -> SymbolLibrary {
        let symbols = BUILTIN
            .iter()
            .map(|&(id, label, width, depth)| {
                (
                    id.to_owned(),
                    Symbol {
                        id: id.into(),
                        label: label.into(),
                        width,
                        depth,
                        builtin: true,
                    },
                )
            })
            .collect();
        SymbolLibrary { symbols }
    }

    pub fn get(&self, id: &str) -> Option<&Symbol> {
        self.symbols.get(id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.symbols.keys().map(String::as_str)
    }
}

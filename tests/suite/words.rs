//! No fixed word of the site in Rust code: every word a reader sees comes from the labels files
//! (`templates/labels/<lang>.toml`), so the English edition cannot show a Chinese word left in
//! the code. The rule that holds: no CJK character in the *code* of `src/**/*.rs` — string and
//! character literals and identifiers — outside comments (doc comments included: they are for
//! authors) and outside `#[cfg(test)]` items (tests assert Chinese output). Data files under
//! `src/scaffold/` are not `.rs` files, so they are not read: they are a site's own text.

use std::path::{Path, PathBuf};

/// Han ideographs, CJK symbols and punctuation (`、。「」`), full-width forms (`，：（）`).
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF
            | 0x20000..=0x3134F)
}

/// `source` with comments blanked (kept newlines), literals kept; nested block comments, raw
/// strings (`r#"…"#`) and `'"'` handled, so a `//` inside a string is not a comment.
fn strip_comments(source: &str) -> String {
    let b: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if b[i] == '\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && !b
                .get(i.wrapping_sub(1))
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // A raw string: r"…", r#"…"#, …
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let end: String = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            let rest: String = b[j + 1..].iter().collect();
            let len = rest.find(&end).map_or(rest.len(), |e| e + end.len());
            out.extend(&b[i..j + 1 + rest[..len].chars().count()]);
            i = j + 1 + rest[..len].chars().count();
        } else if c == '"' {
            out.push(c);
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    out.push(b[i]);
                    i += 1;
                }
                if i < b.len() {
                    out.push(b[i]);
                    i += 1;
                }
            }
            if i < b.len() {
                out.push('"');
                i += 1;
            }
        } else if c == '\'' && (b.get(i + 2) == Some(&'\'') || next == Some('\\')) {
            // A character literal ('"', '\'', '，'); a lifetime has no closing quote.
            let close = if next == Some('\\') {
                i + 3 + b[i + 3..].iter().position(|&x| x == '\'').unwrap_or(0)
            } else {
                i + 2
            };
            out.extend(&b[i..=close.min(b.len() - 1)]);
            i = close + 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// `code` (comments stripped) without its `#[cfg(test)]` items: the attribute and the item up
/// to its `;` or its matching `}` are blanked (newlines kept, so lines stay right).
fn strip_test_items(code: &str) -> String {
    let mut out = code.to_owned();
    while let Some(at) = out.find("#[cfg(test)]") {
        let b: Vec<char> = out.chars().collect();
        let start = out[..at].chars().count();
        let mut i = start + "#[cfg(test)]".len();
        let mut depth = 0;
        let mut in_str = false;
        while i < b.len() {
            match b[i] {
                '\\' if in_str => i += 1,
                '"' => in_str = !in_str,
                '{' if !in_str => depth += 1,
                '}' if !in_str => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                ';' if !in_str && depth == 0 => break,
                _ => {}
            }
            i += 1;
        }
        let end = (i + 1).min(b.len());
        let blank: String = b[start..end]
            .iter()
            .map(|&c| if c == '\n' { '\n' } else { ' ' })
            .collect();
        out = b[..start]
            .iter()
            .chain(blank.chars().collect::<Vec<_>>().iter())
            .chain(b[end..].iter())
            .collect();
    }
    out
}

/// `(line, text)` of every code line of `source` holding a CJK character.
fn cjk_in_code(source: &str) -> Vec<(usize, String)> {
    strip_test_items(&strip_comments(source))
        .lines()
        .enumerate()
        .filter(|(_, l)| l.chars().any(is_cjk))
        .map(|(n, l)| (n + 1, l.trim().to_owned()))
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Words for authors, not readers, quoting the Chinese they refer to: the command's help,
/// diagnostics' hints (diagnostics stay English for authors and name the Chinese term), and
/// the live-reload page of `serve` (shown to the author at the preview, never built).
const FOR_AUTHORS: &[(&str, &str)] = &[
    ("main.rs", "about = \"Builds a permit sample room (行政许可样板间)"),
    ("main.rs", "(中文：docs/zh/reference.md)"),
    ("model/facts.rs", "(the page shows 待本地确认)"),
    ("model/facts.rs", "names no legal basis (设定依据)"),
    ("model/facts.rs", "remove `free` to show 待本地确认"),
    ("model/facts.rs", "needs `free = true` (不收费)"),
    ("model/samples.rs", "e.g. alt = \\\"填写完整的申请书第一页"),
    ("serve/http.rs", "构建失败：仍显示上次成功的页面"),
    ("serve/http.rs", "还没有成功构建的页面"),
];

#[test]
fn no_fixed_word_of_the_site_in_rust_code() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 40, "the walk found {} .rs files", files.len());
    let mut found = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        for (line, text) in cjk_in_code(&std::fs::read_to_string(f).unwrap()) {
            found.push((rel.clone(), line, text));
        }
    }
    let unexpected: Vec<String> = found
        .iter()
        .filter(|(f, _, t)| !FOR_AUTHORS.iter().any(|(nf, nt)| f == nf && t.contains(nt)))
        .map(|(f, l, t)| format!("src/{f}:{l}: {t}"))
        .collect();
    assert!(
        unexpected.is_empty(),
        "words a reader sees belong in templates/labels/*.toml, not in code:\n{}",
        unexpected.join("\n")
    );
    let stale: Vec<_> = FOR_AUTHORS
        .iter()
        .filter(|(nf, nt)| !found.iter().any(|(f, _, t)| f == nf && t.contains(nt)))
        .collect();
    assert!(
        stale.is_empty(),
        "no longer in the code, drop from the lists: {stale:?}"
    );
}

#[test]
fn the_scanner_sees_literals_and_skips_comments_and_tests() {
    let source = "//! 文档\n/// 说明\nfn a() -> &'static str { \"门\" } // 注释\n/* 块 /* 嵌套 */ */\nconst S: &str = r#\"窗 \"// 不是注释\"#;\nconst C: char = '，';\nconst U: &str = \"// 北\";\n#[cfg(test)]\nmod tests {\n    const T: &str = \"测试\";\n}\nfn b<'a>(x: &'a str) -> &'a str { x }\n";
    let hits: Vec<usize> = cjk_in_code(source).into_iter().map(|(l, _)| l).collect();
    assert_eq!(hits, vec![3, 5, 6, 7], "{:?}", cjk_in_code(source));
}

//! schema.org `GovernmentService` JSON-LD for each guide page, so search engines and portals
//! read what the page offers. Only what the guide states: its name, summary, kind of
//! procedure, code, the deciding authority as provider, the centre as the place to go, who it
//! is for, and what it issues. Nothing tagged unconfirmed goes in (no time limits, no fees).
//! The test suite checks every property against schema.org's definitions
//! (`tests/suite/open_data.rs`).

use serde_json::{Map, Value, json};

use crate::model::{Guide, Site};

/// The JSON-LD object of a guide's page.
pub(crate) fn government_service(site: &Site, guide: &Guide) -> Value {
    let page = format!("{}guides/{}/", site.config.base_url, guide.id);
    let centre = &site.config.centre;
    let mut o = Map::new();
    o.insert("@context".into(), json!("https://schema.org"));
    o.insert("@type".into(), json!("GovernmentService"));
    o.insert("@id".into(), json!(format!("{page}#service")));
    o.insert("name".into(), json!(guide.title));
    o.insert("description".into(), json!(guide.summary));
    o.insert("serviceType".into(), json!(guide.kind));
    if let Some(code) = &guide.code {
        o.insert("identifier".into(), json!(code));
    }
    o.insert("url".into(), json!(page));
    o.insert(
        "provider".into(),
        json!({ "@type": "GovernmentOrganization", "name": guide.authority.deciding }),
    );
    o.insert(
        "availableChannel".into(),
        json!({
            "@type": "ServiceChannel",
            "name": guide.window.clone().unwrap_or_else(|| guide.authority.accepting.clone()),
            "serviceLocation": { "@type": "Place", "name": centre.name, "address": centre.address },
            "servicePhone": { "@type": "ContactPoint", "telephone": centre.phone },
        }),
    );
    if let Some(audience) = &guide.audience {
        o.insert(
            "audience".into(),
            json!({ "@type": "Audience", "audienceType": audience }),
        );
    }
    o.insert(
        "serviceOutput".into(),
        json!({ "@type": "Thing", "name": guide.result.certificate }),
    );
    Value::Object(o)
}

/// The JSON-LD as text safe inside `<script>`: `<`, `>` and `&` escaped as JSON escapes, so
/// no author text can close the element.
pub(crate) fn script_text(value: &Value) -> String {
    let text = serde_json::to_string(value).expect("a JSON value serialises");
    text.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn author_text_cannot_close_the_script() {
        let text = script_text(&json!({ "name": "</script><script>alert(1)</script> & co" }));
        assert!(!text.contains('<') && !text.contains('&'), "{text}");
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script> & co");
    }
}

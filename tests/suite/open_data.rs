//! Open data (issue 14, part 3): the JSON under `api/v1/` validates against the schemas
//! published beside it, its catalogue reaches every document, and it means what the pages
//! show (areas, failed rules, no number for an unconfirmed fact); the schema.org JSON-LD of
//! each guide page uses only what schema.org defines. Blank forms (part 4): the form drawn
//! empty as SVG and PDF, offered on the material page.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::common::*;

fn site_output() -> &'static Path {
    bundled_site()
}

fn model() -> &'static permitroom::model::Site {
    bundled_model()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The documents under `api/v1/` (schemas left out), by path relative to it, with their kind.
fn documents(out: &Path) -> BTreeMap<String, (&'static str, Value)> {
    let api = out.join("api/v1");
    read_tree(&api)
        .into_keys()
        .filter(|rel| !rel.starts_with("schema/"))
        .map(|rel| {
            let parts: Vec<&str> = rel.split('/').collect();
            let kind = match parts.as_slice() {
                ["index.json"] => "index",
                ["guides", _] => "guide",
                ["guides", _, "plans", _] => "plan",
                ["materials", _] => "material",
                ["bundles", _] => "bundle",
                _ => panic!("a document outside the documented layout: api/v1/{rel}"),
            };
            let value = read_json(&api.join(&rel));
            (rel, (kind, value))
        })
        .collect()
}

#[test]
fn every_document_validates_against_the_schema_published_beside_it() {
    let out = site_output();
    let site = model();
    let mut checked: BTreeMap<&str, usize> = BTreeMap::new();
    let mut validators = BTreeMap::new();
    for kind in ["index", "guide", "plan", "material", "bundle"] {
        let published = std::fs::read_to_string(out.join(format!("api/v1/schema/{kind}.schema.json"))).unwrap();
        let committed =
            std::fs::read_to_string(repo_root().join(format!("schemas/api-v1-{kind}.schema.json"))).unwrap();
        assert_eq!(published, committed, "the published {kind} schema is the committed one");
        let schema: Value = serde_json::from_str(&published).unwrap();
        validators.insert(kind, jsonschema::validator_for(&schema).unwrap());
    }
    for (rel, (kind, value)) in documents(out) {
        let problems: Vec<String> = validators[kind]
            .iter_errors(&value)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(problems.is_empty(), "api/v1/{rel} against {kind}: {problems:?}");
        assert_eq!(value["api_version"], "v1", "{rel}");
        *checked.entry(kind).or_default() += 1;
    }
    let plans: usize = site.guides.iter().map(|g| g.plans.len()).sum();
    assert_eq!(checked["index"], 1);
    assert_eq!(checked["guide"], site.guides.len());
    assert_eq!(checked["plan"], plans);
    assert_eq!(checked["material"], site.materials.len());
    assert_eq!(checked["bundle"], site.bundles.len());

    // The schemas are not decoration: a U fact with a value, a missing field and a wrong
    // status are each refused.
    let guide = read_json(&out.join("api/v1/guides/business-licence.json"));
    let mut bad = guide.clone();
    assert_eq!(bad["time_limit"]["promised"]["confidence"], "U");
    bad["time_limit"]["promised"]["value"] = "3 个工作日".into();
    assert!(!validators["guide"].is_valid(&bad), "a U fact with a value is refused");
    let mut bad = guide.clone();
    bad.as_object_mut().unwrap().remove("materials");
    assert!(!validators["guide"].is_valid(&bad));
    let mut plan = read_json(&out.join("api/v1/guides/dental-outpatient/plans/wrong.json"));
    plan["rules"][0]["status"] = "ok".into();
    assert!(!validators["plan"].is_valid(&plan));
}

/// Every address in a document that points into the site names a file of the build.
#[test]
fn the_catalogue_lists_everything_and_every_address_is_served() {
    let out = site_output();
    let site = model();
    let base = &site.config.base_url;
    let index = read_json(&out.join("api/v1/index.json"));
    let ids = |key: &str| -> Vec<String> {
        index[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        ids("guides"),
        site.guides.iter().map(|g| g.id.clone()).collect::<Vec<_>>()
    );
    assert_eq!(
        ids("materials"),
        site.materials.iter().map(|m| m.id.clone()).collect::<Vec<_>>()
    );
    assert_eq!(
        ids("bundles"),
        site.bundles.iter().map(|b| b.id.clone()).collect::<Vec<_>>()
    );
    let plans: Vec<String> = index["plans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{}/{}", p["guide"].as_str().unwrap(), p["id"].as_str().unwrap()))
        .collect();
    let expected: Vec<String> = site
        .guides
        .iter()
        .flat_map(|g| g.plans.iter().map(move |p| format!("{}/{}", g.id, p.plan.id)))
        .collect();
    assert_eq!(plans, expected);
    assert_eq!(index["schemas"].as_array().unwrap().len(), 5);

    fn strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::String(s) => out.push(s),
            Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
            Value::Object(o) => o.values().for_each(|x| strings(x, out)),
            _ => {}
        }
    }
    let files = read_tree(out);
    let mut reached = BTreeSet::new();
    for (rel, (_, value)) in documents(out) {
        let mut all = Vec::new();
        strings(&value, &mut all);
        for url in all.into_iter().filter(|s| s.starts_with(base.as_str()) && *s != base) {
            let path = url[base.len()..].split('#').next().unwrap();
            let file = if path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path.to_owned()
            };
            assert!(
                files.contains_key(&file),
                "api/v1/{rel} names {url}, which the build does not serve"
            );
            reached.insert(file);
        }
    }
    // The catalogue reaches every document and schema of the API.
    for file in files
        .keys()
        .filter(|f| f.starts_with("api/v1/") && *f != "api/v1/index.json")
    {
        assert!(reached.contains(file), "nothing links {file}");
    }
}

/// The rows of the room table of one plan on a guide page: label → net area as printed.
fn page_room_areas(html: &str, plan: &str) -> BTreeMap<String, f64> {
    let start = html
        .find(&format!("aria-labelledby=\"plan-{plan}\""))
        .expect("the plan's section");
    let rest = &html[start..];
    let table = &rest[rest.find("<table class=\"rooms\">").unwrap()..];
    let tbody = &table[table.find("<tbody>").unwrap()..table.find("</tbody>").unwrap()];
    tbody
        .split("<tr><th scope=\"row\">")
        .skip(1)
        .map(|row| {
            let label = &row[..row.find("</th>").unwrap()];
            let cells: Vec<&str> = row.split("<td").skip(1).collect();
            // kind, zone, then the net area.
            let area = cells[2].split('>').nth(1).unwrap().split('<').next().unwrap();
            (label.to_owned(), area.parse().unwrap())
        })
        .collect()
}

#[test]
fn the_dental_plans_in_json_are_what_their_page_shows() {
    let out = site_output();
    let html = std::fs::read_to_string(out.join("guides/dental-outpatient/index.html")).unwrap();
    let guide = model().guides.iter().find(|g| g.id == "dental-outpatient").unwrap();
    for report in &guide.plans {
        let id = &report.plan.id;
        let doc = read_json(&out.join(format!("api/v1/guides/dental-outpatient/plans/{id}.json")));
        let on_page = page_room_areas(&html, id);
        let rooms = doc["rooms"].as_array().unwrap();
        assert_eq!(rooms.len(), on_page.len(), "{id}: every room of the page's table");
        let mut net_sum = 0.0;
        for (room, measured) in rooms.iter().zip(&report.plan.rooms) {
            let label = room["label"].as_str().unwrap();
            let net = room["net_area_m2"].as_f64().unwrap();
            let gross = room["gross_area_m2"].as_f64().unwrap();
            // The page prints 0.1 m², the data 0.01 m², both from the same measurement.
            assert!(
                (net - on_page[label]).abs() <= 0.05 + 1e-9,
                "{id}/{label}: JSON {net} m², page {}",
                on_page[label]
            );
            assert!((net - measured.area_m2).abs() <= 0.005 + 1e-9, "{id}/{label}");
            assert!(gross > net, "{id}/{label}: the walls' share is off the net area");
            net_sum += measured.area_m2;
        }
        assert!((doc["net_area_m2"].as_f64().unwrap() - net_sum).abs() <= 0.005 + 1e-6);
        let gross_text = format!("建筑面积 {} m²", report.gross_area);
        assert!(html.contains(&gross_text), "{gross_text}");
        assert!((doc["gross_area_m2"].as_f64().unwrap() - report.gross_area.parse::<f64>().unwrap()).abs() <= 0.05);
        let chairs = doc["quantities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["id"] == "chairs")
            .expect("the dental vocabulary counts chairs");
        assert_eq!(
            chairs["value"].as_u64(),
            report.plan.counts.get("chairs").map(|c| *c as u64)
        );
        assert!(
            html.contains(&format!("，牙椅 {} 台", chairs["value"])),
            "the page's caption counts the same chairs"
        );

        let failed: Vec<&str> = doc["rules"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["status"] == "failed" && r["enforced"] == true)
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        let failing_in_model: Vec<&str> = report
            .results
            .iter()
            .filter(|r| !r.pass && !r.reference)
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(failed, failing_in_model, "{id}");
        assert_eq!(doc["failures"].as_u64(), Some(failed.len() as u64));
        match report.plan.example {
            permitroom::source::format::ExampleKind::Correct => assert!(failed.is_empty(), "{id} is correct"),
            _ => {
                assert!(!failed.is_empty(), "the wrong plan fails something");
                // Each failed rule is on the page's list of problems, with its number.
                let box_start = html.find("这个方案的问题").unwrap();
                let problems = &html[box_start..box_start + html[box_start..].find("</ol>").unwrap()];
                for rule in doc["rules"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|r| r["status"] == "failed")
                {
                    let n = rule["failure_number"]
                        .as_u64()
                        .expect("a failed rule has its marker number");
                    assert!(
                        problems.contains(&format!(
                            "<li value=\"{n}\"><strong>{}</strong>",
                            rule["statement"].as_str().unwrap()
                        )),
                        "failure {n} on the page"
                    );
                    let failing: Vec<&Value> = rule["outcomes"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|o| o["pass"] == false)
                        .collect();
                    assert!(!failing.is_empty());
                    for o in failing {
                        let (m, r) = (o["measured"].as_f64().unwrap(), o["required"].as_f64().unwrap());
                        assert!(m < r || rule["comparison"] != "≥", "{m} fails ≥ {r}");
                    }
                }
            }
        }
    }
}

/// True when any number is inside `v`.
fn has_number(v: &Value) -> bool {
    match v {
        Value::Number(_) => true,
        Value::Array(a) => a.iter().any(has_number),
        Value::Object(o) => o.values().any(has_number),
        _ => false,
    }
}

/// Every object tagged U, anywhere in `v`, with where it is.
fn unconfirmed<'a>(v: &'a Value, at: String, out: &mut Vec<(String, &'a Value)>) {
    match v {
        Value::Object(o) => {
            if o.get("confidence") == Some(&Value::from("U")) {
                out.push((at.clone(), v));
            }
            for (k, x) in o {
                unconfirmed(x, format!("{at}/{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                unconfirmed(x, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn assert_no_unconfirmed_number(out: &Path) -> usize {
    assert_no_unconfirmed_number_in(out, "待本地确认")
}

/// [`assert_no_unconfirmed_number`] in an edition whose pages say `shown` for a U fact.
fn assert_no_unconfirmed_number_in(out: &Path, shown: &str) -> usize {
    let mut count = 0;
    for (rel, (_, value)) in documents(out) {
        let mut found = Vec::new();
        unconfirmed(&value, String::new(), &mut found);
        for (at, fact) in found {
            count += 1;
            if let Some(v) = fact.get("value") {
                assert!(v.is_null(), "api/v1/{rel}{at}: a U fact has a value: {v}");
            }
            if let Some(t) = fact
                .get("text")
                .and_then(Value::as_str)
                .filter(|_| fact.get("value").is_some())
            {
                assert_eq!(t, shown, "api/v1/{rel}{at}");
            }
            // A rule's measurements are the plan's own; its requirement is the U number.
            match fact.get("outcomes") {
                Some(outcomes) => {
                    assert!(fact["failure_number"].is_null(), "api/v1/{rel}{at}");
                    for o in outcomes.as_array().unwrap() {
                        for key in ["required", "required_text", "pass"] {
                            assert!(
                                o[key].is_null(),
                                "api/v1/{rel}{at}: an unconfirmed rule carries {key} {}",
                                o[key]
                            );
                        }
                    }
                }
                None => assert!(
                    !has_number(fact),
                    "api/v1/{rel}{at}: an unconfirmed fact carries a number: {fact}"
                ),
            }
        }
    }
    count
}

#[test]
fn an_unconfirmed_fact_never_carries_a_number() {
    let out = site_output();
    let count = assert_no_unconfirmed_number(out);
    assert!(count > 20, "the bundled site has U facts: {count}");
    let licence = read_json(&out.join("api/v1/guides/business-licence.json"));
    assert_eq!(licence["time_limit"]["promised"]["text"], "待本地确认");
    assert!(licence["time_limit"]["promised_days"].is_null());

    // A source cannot give a U fact a number (check refuses it), except a rule's requirement,
    // shown as a reference: a fixture with such a rule.
    let site = base_site("open-data-u");
    edit(
        &site,
        "guides/alpha/guide.toml",
        "check = \"rooms(sterilising) >= 1\"\nsource = \"示例标准\"\nconfidence = \"L\"",
        "check = \"rooms(sterilising) >= 1\"\nsource = \"示例标准\"\nconfidence = \"U\"\nreference = true",
    );
    let fixture_out = site.join("out");
    build(&site, &fixture_out);
    assert!(assert_no_unconfirmed_number(&fixture_out) >= 3);
    let alpha = read_json(&fixture_out.join("api/v1/guides/alpha.json"));
    let drawing = alpha["materials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "floor-plan-drawing")
        .unwrap();
    assert!(drawing["copies"]["value"].is_null());
    assert_eq!(drawing["copies"]["confidence"], "U");
    assert!(!alpha["plans"].as_array().unwrap().is_empty());
    for plan in alpha["plans"].as_array().unwrap() {
        let doc = read_json(&fixture_out.join(format!(
            "api/v1/guides/alpha/plans/{}.json",
            plan["id"].as_str().unwrap()
        )));
        let rule = doc["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == "sterilising")
            .unwrap();
        assert_eq!(rule["status"], "unconfirmed");
        assert_eq!(rule["enforced"], false);
        for o in rule["outcomes"].as_array().unwrap() {
            assert!(
                o["required"].is_null() && o["required_text"].is_null() && o["pass"].is_null(),
                "{o}"
            );
            assert!(o["measured"].is_number(), "what the plan measures is not unconfirmed");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// schema.org

/// A schema.org type: its name, its parent, and its own properties with their expected types.
type SchemaType = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static [&'static str])],
);

/// The schema.org types the guide pages' JSON-LD may use, with their parent type and their own
/// properties, each with its expected types ("Values expected to be one of these types").
/// Copied by hand from the schema.org vocabulary, release 29 (the type pages
/// schema.org/GovernmentService, /Service, /Thing, /Organization, /GovernmentOrganization,
/// /ServiceChannel, /Place, /ContactPoint, /Audience); only the properties this check needs
/// to know, so any other property is refused. No network at test time.
const VOCABULARY: &[SchemaType] = &[
    (
        "Thing",
        "",
        &[
            ("name", &["Text"]),
            ("description", &["Text", "TextObject"]),
            ("url", &["URL"]),
            ("identifier", &["PropertyValue", "Text", "URL"]),
            ("alternateName", &["Text"]),
            ("sameAs", &["URL"]),
        ],
    ),
    ("Intangible", "Thing", &[]),
    ("StructuredValue", "Intangible", &[]),
    (
        "Service",
        "Intangible",
        &[
            ("serviceType", &["GovernmentBenefitsType", "Text"]),
            ("provider", &["Organization", "Person"]),
            ("areaServed", &["AdministrativeArea", "GeoShape", "Place", "Text"]),
            ("audience", &["Audience"]),
            ("availableChannel", &["ServiceChannel"]),
            ("serviceOutput", &["Thing"]),
            ("termsOfService", &["Text", "URL"]),
        ],
    ),
    (
        "GovernmentService",
        "Service",
        &[
            ("jurisdiction", &["AdministrativeArea", "Text"]),
            ("serviceOperator", &["Organization"]),
        ],
    ),
    (
        "Organization",
        "Thing",
        &[
            ("address", &["PostalAddress", "Text"]),
            ("telephone", &["Text"]),
            ("email", &["Text"]),
        ],
    ),
    ("GovernmentOrganization", "Organization", &[]),
    (
        "ServiceChannel",
        "Intangible",
        &[
            ("serviceLocation", &["Place"]),
            ("servicePhone", &["ContactPoint"]),
            ("serviceUrl", &["URL"]),
            ("availableLanguage", &["Language", "Text"]),
        ],
    ),
    (
        "Place",
        "Thing",
        &[("address", &["PostalAddress", "Text"]), ("telephone", &["Text"])],
    ),
    (
        "ContactPoint",
        "StructuredValue",
        &[
            ("telephone", &["Text"]),
            ("contactType", &["Text"]),
            ("email", &["Text"]),
        ],
    ),
    ("Audience", "Intangible", &[("audienceType", &["Text"])]),
];

fn is_a(t: &str, ancestor: &str) -> bool {
    let mut t = t;
    loop {
        if t == ancestor {
            return true;
        }
        match VOCABULARY.iter().find(|(name, _, _)| *name == t) {
            Some((_, parent, _)) if !parent.is_empty() => t = parent,
            _ => return false,
        }
    }
}

fn expected_types(t: &str, property: &str) -> Option<&'static [&'static str]> {
    let (_, parent, props) = VOCABULARY.iter().find(|(name, _, _)| *name == t)?;
    props
        .iter()
        .find(|(p, _)| *p == property)
        .map(|(_, r)| *r)
        .or_else(|| expected_types(parent, property))
}

/// Problems of a JSON-LD node against the vocabulary.
fn check_node(node: &Value, at: &str, problems: &mut Vec<String>) {
    let Some(o) = node.as_object() else {
        problems.push(format!("{at}: not an object"));
        return;
    };
    let Some(t) = o.get("@type").and_then(Value::as_str) else {
        problems.push(format!("{at}: no @type"));
        return;
    };
    if !VOCABULARY.iter().any(|(name, _, _)| *name == t) {
        problems.push(format!("{at}: type {t} is not one this check knows"));
        return;
    }
    for (property, value) in o {
        if matches!(property.as_str(), "@type" | "@id") || (property == "@context" && at.is_empty()) {
            continue;
        }
        let Some(ranges) = expected_types(t, property) else {
            problems.push(format!("{at}: schema.org defines no `{property}` on {t}"));
            continue;
        };
        let path = format!("{at}/{property}");
        match value {
            Value::String(s) => {
                let url = s.starts_with("https://") || s.starts_with("http://");
                let fits = ranges.contains(&"Text") || (ranges.contains(&"URL") && url);
                if !fits {
                    problems.push(format!("{path}: text where schema.org expects {ranges:?}"));
                }
                if ranges == ["URL"] && !url {
                    problems.push(format!("{path}: `{s}` is not an absolute URL"));
                }
                if s.trim().is_empty() {
                    problems.push(format!("{path}: empty"));
                }
            }
            Value::Object(inner) => {
                let inner_type = inner.get("@type").and_then(Value::as_str).unwrap_or("");
                if !ranges.iter().any(|r| is_a(inner_type, r)) {
                    problems.push(format!("{path}: a {inner_type} where schema.org expects {ranges:?}"));
                }
                check_node(value, &path, problems);
            }
            other => problems.push(format!("{path}: {other} is neither text nor a node")),
        }
    }
}

fn json_ld_of(html: &str) -> Value {
    let open = "<script type=\"application/ld+json\">";
    let start = html.find(open).expect("a JSON-LD script") + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    assert_eq!(html.matches(open).count(), 1, "one JSON-LD block");
    serde_json::from_str(&html[start..end]).expect("the JSON-LD parses")
}

#[test]
fn each_guide_page_describes_its_service_in_schema_org_terms_only() {
    let out = site_output();
    let site = model();
    for guide in &site.guides {
        let html = std::fs::read_to_string(out.join(format!("guides/{}/index.html", guide.id))).unwrap();
        let head = &html[..html.find("</head>").unwrap()];
        let ld = json_ld_of(head);
        assert_eq!(ld["@context"], "https://schema.org");
        assert_eq!(ld["@type"], "GovernmentService");
        let mut problems = Vec::new();
        check_node(&ld, "", &mut problems);
        assert!(problems.is_empty(), "{}: {problems:#?}", guide.id);
        // What it says is the guide's.
        assert_eq!(ld["name"], guide.title.as_str());
        assert_eq!(ld["description"], guide.summary.as_str());
        assert_eq!(ld["serviceType"], guide.kind.as_str());
        assert_eq!(ld["url"], format!("{}guides/{}/", site.config.base_url, guide.id));
        assert_eq!(ld["provider"]["name"], guide.authority.deciding.as_str());
        assert_eq!(ld["serviceOutput"]["name"], guide.result.certificate.as_str());
        assert_eq!(
            ld["availableChannel"]["serviceLocation"]["name"],
            site.config.centre.name.as_str()
        );
        assert_eq!(
            ld["availableChannel"]["servicePhone"]["telephone"],
            site.config.centre.phone.as_str()
        );
        // Nothing unconfirmed rides along: no time limit, no fee.
        assert!(!has_number(&ld));
    }
    // The check itself refuses what schema.org does not define.
    let mut problems = Vec::new();
    check_node(
        &serde_json::json!({"@type": "GovernmentService", "name": "x", "processingDays": "30",
            "provider": {"@type": "Place", "name": "y"}}),
        "",
        &mut problems,
    );
    assert_eq!(problems.len(), 2, "{problems:?}");
}

#[test]
fn the_json_ld_needs_no_change_to_the_content_security_policy() {
    let html = std::fs::read_to_string(site_output().join("guides/dental-outpatient/index.html")).unwrap();
    // A data block, not a script: the policy allows only the site's own script files, and a
    // browser never runs `application/ld+json`. The only other inline element is the data block
    // of the page scripts' words (`application/json`, never run either).
    assert!(html.contains("script-src 'self'"));
    let inline: Vec<&str> = html
        .match_indices("<script")
        .map(|(i, _)| &html[i..i + html[i..].find('>').unwrap() + 1])
        .filter(|tag| !tag.starts_with("<script src=") && !tag.starts_with("<script defer src="))
        .collect();
    assert_eq!(
        inline,
        [
            "<script type=\"application/json\" id=\"page-labels\">",
            "<script type=\"application/ld+json\">"
        ],
        "only the two data blocks are inline"
    );
}

// ---------------------------------------------------------------------------------------------
// Blank forms

/// Labels (what a blank form keeps) and values (what it must not show) of a form source.
fn form_words(form: &Value) -> (Vec<String>, Vec<String>) {
    let mut labels = vec![form["title"].as_str().unwrap().to_owned()];
    let mut values = Vec::new();
    for section in form["sections"].as_array().into_iter().flatten() {
        labels.push(section["heading"].as_str().unwrap().to_owned());
        for field in section["fields"].as_array().into_iter().flatten() {
            labels.push(field["label"].as_str().unwrap().to_owned());
            values.push(field["value"].as_str().unwrap().to_owned());
        }
        for c in section["columns"].as_array().into_iter().flatten() {
            labels.push(c.as_str().unwrap().to_owned());
        }
        for row in section["rows"].as_array().into_iter().flatten() {
            values.extend(row.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()));
        }
    }
    for sign in form["signatures"].as_array().into_iter().flatten() {
        labels.push(sign["label"].as_str().unwrap().to_owned());
        values.push(sign["value"].as_str().unwrap().to_owned());
    }
    for key in ["subtitle", "footer"] {
        if let Some(s) = form[key].as_str() {
            values.push(s.to_owned());
        }
    }
    (labels, values)
}

fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The text of every `<text>` element of an SVG.
fn svg_texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn every_drawn_sample_has_a_blank_twin_with_its_labels_and_none_of_its_values() {
    let out = site_output();
    let site = model();
    let mut forms = 0;
    let mut values_checked = 0;
    let mut blank_notes = 0;
    for material in &site.materials {
        let drawn: Vec<&permitroom::model::Sample> = material.samples.iter().filter(|s| s.kind == "form").collect();
        assert_eq!(
            material.blank_forms.len(),
            drawn.len(),
            "{}: one blank per drawn sample",
            material.id
        );
        let page = std::fs::read_to_string(out.join(format!("materials/{}/index.html", material.id))).unwrap();
        for blank in &material.blank_forms {
            forms += 1;
            // The form's source, found by the sample it twins.
            let source = std::fs::read_to_string(repo_root().join(&material.file)).unwrap();
            let materials: Value = toml::from_str(&source).unwrap();
            let entry = materials["material"]
                .as_array()
                .unwrap()
                .iter()
                .find(|m| m["id"] == material.id.as_str())
                .unwrap();
            let form_path = entry["samples"][blank.sample - 1]["form"].as_str().unwrap();
            let form_file = repo_root().join("materials").join(form_path);
            let form: Value = toml::from_str(&std::fs::read_to_string(&form_file).unwrap()).unwrap();
            let (labels, values) = form_words(&form);

            let dir = out.join(format!("materials/{}", material.id));
            let svg = std::fs::read_to_string(dir.join(&blank.svg)).expect("the blank SVG is served");
            let texts = svg_texts(&svg);
            let filled = svg_texts(&std::fs::read_to_string(dir.join(&drawn[blank.sample - 1].file)).unwrap());
            for label in &labels {
                assert!(
                    texts.iter().any(|t| t == label),
                    "{}: the blank keeps `{label}`",
                    blank.svg
                );
            }
            assert!(!svg.contains("class=\"value\""), "no value is drawn");
            let pdf = dir.join(&blank.pdf);
            let pdf_text = compact(&tool("pdftotext", &["-raw", "-enc", "UTF-8", pdf.to_str().unwrap(), "-"]).stdout);
            // What the blank must say too (the sample's footer speaks of the sample).
            if let Some(note) = form.get("blank_note").and_then(Value::as_str) {
                blank_notes += 1;
                let footer = texts
                    .iter()
                    .map(|t| compact(t))
                    .find(|t| t.contains(&compact(note)))
                    .unwrap_or_else(|| panic!("{}: no text holds the blank note {note}", blank.svg));
                assert!(footer.starts_with(&compact(note)), "{}: {footer}", blank.svg);
                assert!(
                    footer.ends_with("正式提交请使用受理窗口提供的现行格式文本。"),
                    "{footer}"
                );
                assert!(
                    !footer.contains("本示例仅供参考"),
                    "the sample's own footer is not on the blank"
                );
                assert!(pdf_text.contains(&compact(note)), "{}: the PDF says it too", blank.pdf);
            }
            for label in &labels {
                assert!(
                    pdf_text.contains(&compact(label)),
                    "{}: the PDF's text has `{label}`",
                    blank.pdf
                );
            }
            for value in &values {
                // A value that is also a label or a fixed word of the blank cannot tell.
                let v = compact(value);
                if v.is_empty() || labels.iter().any(|l| compact(l).contains(&v)) {
                    continue;
                }
                values_checked += 1;
                assert!(
                    filled.iter().any(|t| compact(t) == v),
                    "the sample itself shows `{value}` (else this check means nothing)"
                );
                assert!(
                    !texts.iter().any(|t| compact(t).contains(&v)),
                    "{}: shows the sample's `{value}`",
                    blank.svg
                );
                assert!(!pdf_text.contains(&v), "{}: shows the sample's `{value}`", blank.pdf);
            }
            // Offered on the material page, both files.
            assert!(
                page.contains(&format!(
                    "<a class=\"button\" href=\"{}\" download>下载空白表格",
                    blank.pdf
                )),
                "{}: the page offers the blank PDF",
                material.id
            );
            assert!(page.contains(&format!("href=\"{}\"", blank.svg)));
            let pages = tool("pdfinfo", &[pdf.to_str().unwrap()]).stdout;
            assert!(pages.contains("Pages:           1"), "{pages}");
        }
    }
    assert!(forms >= 4, "the bundled site draws {forms} forms");
    assert!(values_checked > 40, "only {values_checked} values checked");
    assert_eq!(blank_notes, 1, "the staff roster's blank says what to attach");
}

#[test]
fn a_laws_role_in_the_open_data_is_the_role_its_guide_gives_in_either_language() {
    // The primary edition's open data is in its language; the role must not depend on it.
    for (lang, setting, implementing) in [
        ("zh-CN", "设定依据", "实施依据"),
        ("en", "Legal basis", "Implementing rules"),
    ] {
        let site = base_site(&format!("basis-role-{lang}"));
        edit(
            &site,
            "site.toml",
            "base_url = \"https://example.cn/room/\"",
            &format!("base_url = \"https://example.cn/room/\"\nlanguage = \"{lang}\""),
        );
        edit(
            &site,
            "guides/beta/guide.toml",
            "role = \"setting\"",
            "role = \"implementing\"",
        );
        let out = site.join("out");
        let run = build_run(&site, &out, &["--no-pdf"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        for (guide, role, role_label) in [("alpha", "setting", setting), ("beta", "implementing", implementing)] {
            let doc = read_json(&out.join(format!("api/v1/guides/{guide}.json")));
            let basis = doc["legal_basis"].as_array().unwrap();
            assert_eq!(basis.len(), 1, "{lang} {guide}");
            assert_eq!(basis[0]["role"], role, "{lang} {guide}");
            assert_eq!(basis[0]["role_label"], role_label, "{lang} {guide}");
        }
    }
}

/// The English edition publishes the same documents under `en/api/v1/`: the same layout, each
/// valid against the same schema, the same ids, numbers, tags and legal-basis roles, and the
/// words in English (titles, the U text, labels).
#[test]
fn the_english_edition_publishes_the_same_documents_in_english() {
    let out = site_output();
    let zh = documents(out);
    let en = documents(&out.join("en"));
    assert_eq!(zh.keys().collect::<Vec<_>>(), en.keys().collect::<Vec<_>>());
    for kind in ["index", "guide", "plan", "material", "bundle"] {
        let name = format!("api/v1/schema/{kind}.schema.json");
        assert_eq!(
            std::fs::read(out.join("en").join(&name)).unwrap(),
            std::fs::read(out.join(&name)).unwrap(),
            "{name}: one schema for both editions"
        );
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(out.join(&name)).unwrap()).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        for (rel, (_, value)) in en.iter().filter(|(_, (k, _))| *k == kind) {
            let problems: Vec<String> = validator
                .iter_errors(value)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(problems.is_empty(), "en/api/v1/{rel}: {problems:?}");
        }
    }
    assert_eq!(en["index.json"].1["site"]["language"], "en");
    assert!(
        en["index.json"].1["site"]["base_url"]
            .as_str()
            .unwrap()
            .ends_with("/en/"),
        "{}",
        en["index.json"].1["site"]["base_url"]
    );

    // The dental guide: its English title, and the same facts with the same tags.
    let english = &bundled_checked().editions[0];
    let dental = english.guides.iter().find(|g| g.id == "dental-outpatient").unwrap();
    let (zh_guide, en_guide) = (
        &zh["guides/dental-outpatient.json"].1,
        &en["guides/dental-outpatient.json"].1,
    );
    assert_eq!(en_guide["title"], dental.title.as_str());
    assert!(
        !dental.title.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{}",
        dental.title
    );
    assert_ne!(en_guide["title"], zh_guide["title"]);
    // Roles are language-independent values, whatever the label says.
    let mut settings = 0;
    for (rel, (kind, zh_doc)) in &zh {
        if *kind != "guide" {
            continue;
        }
        let en_doc = &en[rel].1;
        let roles = |d: &Value| -> Vec<(Value, Value)> {
            d["legal_basis"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| (b["role"].clone(), b["confidence"].clone()))
                .collect()
        };
        assert_eq!(roles(en_doc), roles(zh_doc), "{rel}: legal-basis roles and tags");
        settings += roles(zh_doc).iter().filter(|(r, _)| r == "setting").count();
    }
    assert!(
        settings >= 3,
        "setting bases (设定依据) in the bundled guides: {settings}"
    );
    // A plan's measurements do not depend on the language.
    for (rel, (kind, zh_doc)) in zh.iter().filter(|(_, (k, _))| *k == "plan") {
        let en_doc = &en[rel].1;
        let areas = |d: &Value| -> Vec<(Value, Value, Value)> {
            d["rooms"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| (r["id"].clone(), r["gross_area_m2"].clone(), r["net_area_m2"].clone()))
                .collect()
        };
        assert_eq!(areas(en_doc), areas(zh_doc), "{rel} ({kind})");
        let statuses = |d: &Value| -> Vec<(Value, Value)> {
            d["rules"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| (r["id"].clone(), r["status"].clone()))
                .collect()
        };
        assert_eq!(statuses(en_doc), statuses(zh_doc), "{rel}: rule results");
    }
    // U facts: no number in English either, and the English words for them.
    let unconfirmed = assert_no_unconfirmed_number_in(&out.join("en"), "To be confirmed locally");
    assert_eq!(unconfirmed, assert_no_unconfirmed_number(out));
}

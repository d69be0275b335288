//! The rule language: small arithmetic comparisons over a plan's measured quantities, such as
//! `each treatment: net_area >= 6 m2 * chairs`. Deliberately not a programming language: no
//! variables, no loops, one comparison per rule. Units are checked when the rule is parsed, so
//! comparing an area with a count is an authoring error with a place, not a silent `false`.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

use super::measure::{MeasuredPlan, MeasuredRoom};
use super::schema::RoomKind;
use super::symbols::SymbolLibrary;
use crate::diagnostics::nearest;

/// A problem in a rule's text, with its byte range in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleError {
    pub span: Range<usize>,
    pub message: String,
    pub hint: Option<String>,
}

impl RuleError {
    fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        RuleError {
            span,
            message: message.into(),
            hint: None,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Physical dimension as a power of length: 0 a count, 1 a length (m), 2 an area (m²).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Dim(pub i8);

impl Dim {
    pub const COUNT: Dim = Dim(0);
    pub const LENGTH: Dim = Dim(1);
    pub const AREA: Dim = Dim(2);

    pub fn unit(self) -> &'static str {
        match self.0 {
            0 => "",
            1 => "m",
            2 => "m²",
            _ => "m^n",
        }
    }
}

impl fmt::Display for Dim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            0 => "a count",
            1 => "a length (m)",
            2 => "an area (m²)",
            _ => "an unusual unit",
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Quantity {
    Chairs,
    GrossArea,
    NetArea,
    ShortestSide,
    Count(String),
    Rooms(RoomKind),
    Area(RoomKind),
    Openings(RoomKind, RoomKind),
}

impl Quantity {
    fn dim(&self) -> Dim {
        match self {
            Quantity::Chairs | Quantity::Count(_) | Quantity::Rooms(_) | Quantity::Openings(..) => Dim::COUNT,
            Quantity::GrossArea | Quantity::NetArea | Quantity::Area(_) => Dim::AREA,
            Quantity::ShortestSide => Dim::LENGTH,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Ceil,
    Floor,
    Min,
    Max,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Number(f64),
    Quantity(Quantity),
    Call(Func, Vec<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Cmp {
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "==")]
    Eq,
}

impl Cmp {
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Ge => "≥",
            Cmp::Le => "≤",
            Cmp::Gt => ">",
            Cmp::Lt => "<",
            Cmp::Eq => "=",
        }
    }

    fn holds(self, a: f64, b: f64) -> bool {
        const EPS: f64 = 1e-9;
        match self {
            Cmp::Ge => a >= b - EPS,
            Cmp::Le => a <= b + EPS,
            Cmp::Gt => a > b + EPS,
            Cmp::Lt => a < b - EPS,
            Cmp::Eq => (a - b).abs() <= EPS,
        }
    }
}

/// A parsed, unit-checked rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// `each KIND:` rules are checked room by room.
    pub each: Option<RoomKind>,
    pub left: Expr,
    pub cmp: Cmp,
    pub right: Expr,
    pub dim: Dim,
}

// ---------------------------------------------------------------------------------------------
// Lexing

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Ident(String),
    Unit(Dim, f64),
    Op(char),
    Cmp(Cmp),
    LParen,
    RParen,
    Comma,
    Colon,
}

fn lex(text: &str) -> Result<Vec<(Tok, Range<usize>)>, RuleError> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    let end_of = |i: usize| chars.get(i).map_or(text.len(), |c| c.0);
    while i < chars.len() {
        let (start, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|c| c.1.is_ascii_digit())) {
            let mut j = i;
            while j < chars.len() && (chars[j].1.is_ascii_digit() || chars[j].1 == '.') {
                j += 1;
            }
            let s = &text[start..end_of(j)];
            let n: f64 = s
                .parse()
                .map_err(|_| RuleError::new(start..end_of(j), format!("`{s}` is not a number")))?;
            out.push((Tok::Num(n), start..end_of(j)));
            i = j;
        } else if c.is_ascii_alphabetic() || c == '_' {
            let mut j = i;
            while j < chars.len() && (chars[j].1.is_ascii_alphanumeric() || chars[j].1 == '_' || chars[j].1 == '-') {
                j += 1;
            }
            // `m²` is a unit spelt with a non-ASCII character.
            if &text[start..end_of(j)] == "m" && chars.get(j).is_some_and(|c| c.1 == '²') {
                j += 1;
            }
            let word = &text[start..end_of(j)];
            let tok = match word {
                "m2" | "m²" => Tok::Unit(Dim::AREA, 1.0),
                "m" => Tok::Unit(Dim::LENGTH, 1.0),
                "mm" => Tok::Unit(Dim::LENGTH, 0.001),
                _ => Tok::Ident(word.to_owned()),
            };
            out.push((tok, start..end_of(j)));
            i = j;
        } else {
            let next = chars.get(i + 1).map(|c| c.1);
            let (tok, len) = match (c, next) {
                ('>', Some('=')) => (Tok::Cmp(Cmp::Ge), 2),
                ('<', Some('=')) => (Tok::Cmp(Cmp::Le), 2),
                ('=', Some('=')) => (Tok::Cmp(Cmp::Eq), 2),
                ('≥', _) => (Tok::Cmp(Cmp::Ge), 1),
                ('≤', _) => (Tok::Cmp(Cmp::Le), 1),
                ('>', _) => (Tok::Cmp(Cmp::Gt), 1),
                ('<', _) => (Tok::Cmp(Cmp::Lt), 1),
                ('+' | '-' | '*' | '/', _) => (Tok::Op(c), 1),
                ('×', _) => (Tok::Op('*'), 1),
                ('(', _) => (Tok::LParen, 1),
                (')', _) => (Tok::RParen, 1),
                (',', _) => (Tok::Comma, 1),
                (':', _) => (Tok::Colon, 1),
                ('=', _) => {
                    return Err(
                        RuleError::new(start..end_of(i + 1), "`=` is not a comparison").hint("write `==` to compare")
                    );
                }
                _ => {
                    return Err(RuleError::new(
                        start..end_of(i + 1),
                        format!("unexpected character `{c}`"),
                    ));
                }
            };
            out.push((tok, start..end_of(i + len)));
            i += len;
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Parsing

struct Parser<'a> {
    toks: Vec<(Tok, Range<usize>)>,
    pos: usize,
    len: usize,
    symbols: &'a SymbolLibrary,
    each: Option<RoomKind>,
}

const PLAN_QUANTITIES: &[&str] = &["chairs", "gross_area", "net_area", "count", "rooms", "area", "openings"];
const ROOM_QUANTITIES: &[&str] = &["net_area", "chairs", "shortest_side", "count"];
const FUNCTIONS: &[&str] = &["ceil", "floor", "min", "max"];

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }

    fn span(&self) -> Range<usize> {
        self.toks.get(self.pos).map_or(self.len..self.len, |t| t.1.clone())
    }

    fn bump(&mut self) -> Option<(Tok, Range<usize>)> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn expect(&mut self, want: Tok, what: &str) -> Result<Range<usize>, RuleError> {
        match self.bump() {
            Some((t, span)) if t == want => Ok(span),
            Some((_, span)) => Err(RuleError::new(span, format!("expected {what}"))),
            None => Err(RuleError::new(
                self.len..self.len,
                format!("expected {what} at the end"),
            )),
        }
    }

    fn expr(&mut self) -> Result<(Expr, Dim), RuleError> {
        let (mut left, mut dim) = self.term()?;
        while let Some(Tok::Op(op @ ('+' | '-'))) = self.peek().cloned() {
            let span = self.span();
            self.bump();
            let (right, rdim) = self.term()?;
            if rdim != dim {
                return Err(RuleError::new(span, format!("cannot add or subtract {rdim} and {dim}")));
            }
            let op = if op == '+' { BinOp::Add } else { BinOp::Sub };
            left = Expr::Binary(op, Box::new(left), Box::new(right));
            dim = rdim;
        }
        Ok((left, dim))
    }

    fn term(&mut self) -> Result<(Expr, Dim), RuleError> {
        let (mut left, mut dim) = self.factor()?;
        while let Some(Tok::Op(op @ ('*' | '/'))) = self.peek().cloned() {
            self.bump();
            let (right, rdim) = self.factor()?;
            let (op, d) = if op == '*' {
                (BinOp::Mul, dim.0 + rdim.0)
            } else {
                (BinOp::Div, dim.0 - rdim.0)
            };
            left = Expr::Binary(op, Box::new(left), Box::new(right));
            dim = Dim(d);
        }
        Ok((left, dim))
    }

    fn factor(&mut self) -> Result<(Expr, Dim), RuleError> {
        let span = self.span();
        match self.bump() {
            Some((Tok::Num(n), _)) => {
                if let Some(Tok::Unit(dim, scale)) = self.peek().cloned() {
                    self.bump();
                    Ok((Expr::Number(n * scale), dim))
                } else {
                    Ok((Expr::Number(n), Dim::COUNT))
                }
            }
            Some((Tok::LParen, _)) => {
                let inner = self.expr()?;
                self.expect(Tok::RParen, "`)`")?;
                Ok(inner)
            }
            Some((Tok::Op('-'), _)) => {
                let (e, d) = self.factor()?;
                Ok((Expr::Binary(BinOp::Sub, Box::new(Expr::Number(0.0)), Box::new(e)), d))
            }
            Some((Tok::Ident(name), span)) => self.ident(&name, span),
            Some((Tok::Unit(..), span)) => {
                Err(RuleError::new(span, "a unit must follow a number").hint("write e.g. `6 m2`"))
            }
            Some((_, span)) => Err(RuleError::new(span, "expected a number, a quantity or `(`")),
            None => Err(RuleError::new(
                span,
                "the rule ends too early: expected a number or a quantity",
            )),
        }
    }

    fn args(&mut self) -> Result<Vec<(Tok, Range<usize>)>, RuleError> {
        self.expect(Tok::LParen, "`(`")?;
        let mut args = Vec::new();
        loop {
            match self.bump() {
                Some((Tok::RParen, _)) if args.is_empty() => break,
                Some(t) => args.push(t),
                None => return Err(RuleError::new(self.len..self.len, "expected `)`")),
            }
            match self.bump() {
                Some((Tok::Comma, _)) => continue,
                Some((Tok::RParen, _)) => break,
                Some((_, span)) => return Err(RuleError::new(span, "expected `,` or `)`")),
                None => return Err(RuleError::new(self.len..self.len, "expected `)`")),
            }
        }
        Ok(args)
    }

    fn kind_arg(&self, arg: &(Tok, Range<usize>)) -> Result<RoomKind, RuleError> {
        match arg {
            (Tok::Ident(name), span) => RoomKind::from_id(name).ok_or_else(|| {
                let e = RuleError::new(span.clone(), format!("unknown room kind `{name}`"));
                match nearest(name, RoomKind::ALL.iter().map(|k| k.id())) {
                    Some(best) => e.hint(format!("did you mean `{best}`?")),
                    None => e.hint(format!(
                        "room kinds: {}",
                        RoomKind::ALL.iter().map(|k| k.id()).collect::<Vec<_>>().join(", ")
                    )),
                }
            }),
            (_, span) => Err(RuleError::new(span.clone(), "expected a room kind")),
        }
    }

    fn ident(&mut self, name: &str, span: Range<usize>) -> Result<(Expr, Dim), RuleError> {
        let in_room = self.each.is_some();
        let quantity = match name {
            "chairs" => Quantity::Chairs,
            "gross_area" if !in_room => Quantity::GrossArea,
            "net_area" => Quantity::NetArea,
            "shortest_side" if in_room => Quantity::ShortestSide,
            "shortest_side" => {
                return Err(RuleError::new(span, "`shortest_side` is a quantity of one room")
                    .hint("write `each KIND: shortest_side >= …`"));
            }
            "count" => {
                let args = self.args()?;
                match args.as_slice() {
                    [(Tok::Ident(symbol), sspan)] => {
                        if self.symbols.get(symbol).is_none() {
                            let e = RuleError::new(sspan.clone(), format!("unknown equipment symbol `{symbol}`"));
                            return Err(match nearest(symbol, self.symbols.ids()) {
                                Some(best) => e.hint(format!("did you mean `{best}`?")),
                                None => e.hint("see the symbol table in docs/en/reference.md"),
                            });
                        }
                        Quantity::Count(symbol.clone())
                    }
                    _ => {
                        return Err(RuleError::new(
                            span,
                            "`count` takes one equipment symbol, e.g. `count(sink)`",
                        ));
                    }
                }
            }
            "rooms" | "area" if !in_room => {
                let args = self.args()?;
                let [arg] = args.as_slice() else {
                    return Err(RuleError::new(
                        span,
                        format!("`{name}` takes one room kind, e.g. `{name}(treatment)`"),
                    ));
                };
                let kind = self.kind_arg(arg)?;
                if name == "rooms" {
                    Quantity::Rooms(kind)
                } else {
                    Quantity::Area(kind)
                }
            }
            "openings" if !in_room => {
                let args = self.args()?;
                let [a, b] = args.as_slice() else {
                    return Err(RuleError::new(
                        span,
                        "`openings` takes two room kinds, e.g. `openings(waiting, treatment)`",
                    ));
                };
                Quantity::Openings(self.kind_arg(a)?, self.kind_arg(b)?)
            }
            "ceil" | "floor" | "min" | "max" => return self.call(name, span),
            _ => {
                let valid: &[&str] = if in_room { ROOM_QUANTITIES } else { PLAN_QUANTITIES };
                let e = RuleError::new(
                    span,
                    format!(
                        "unknown quantity `{name}`{}",
                        if in_room { " in an `each` rule" } else { "" }
                    ),
                );
                return Err(match nearest(name, valid.iter().chain(FUNCTIONS).copied()) {
                    Some(best) => e.hint(format!("did you mean `{best}`?")),
                    None => e.hint(format!("quantities here: {}", valid.join(", "))),
                });
            }
        };
        let dim = quantity.dim();
        Ok((Expr::Quantity(quantity), dim))
    }

    fn call(&mut self, name: &str, span: Range<usize>) -> Result<(Expr, Dim), RuleError> {
        self.expect(Tok::LParen, "`(`")?;
        let mut args = vec![self.expr()?];
        while self.peek() == Some(&Tok::Comma) {
            self.bump();
            args.push(self.expr()?);
        }
        self.expect(Tok::RParen, "`)`")?;
        let func = match name {
            "ceil" => Func::Ceil,
            "floor" => Func::Floor,
            "min" => Func::Min,
            _ => Func::Max,
        };
        let arity = if matches!(func, Func::Ceil | Func::Floor) { 1 } else { 2 };
        if args.len() != arity {
            return Err(RuleError::new(span, format!("`{name}` takes {arity} argument(s)")));
        }
        let dim = args[0].1;
        if args.iter().any(|a| a.1 != dim) {
            return Err(RuleError::new(
                span,
                format!("the arguments of `{name}` must have the same unit"),
            ));
        }
        Ok((Expr::Call(func, args.into_iter().map(|a| a.0).collect()), dim))
    }
}

/// Parses and unit-checks a rule.
pub fn parse_check(text: &str, symbols: &SymbolLibrary) -> Result<Check, RuleError> {
    let toks = lex(text)?;
    let mut parser = Parser {
        toks,
        pos: 0,
        len: text.len(),
        symbols,
        each: None,
    };
    if parser.peek() == Some(&Tok::Ident("each".into())) {
        parser.bump();
        let kind_tok = parser
            .bump()
            .ok_or_else(|| RuleError::new(text.len()..text.len(), "expected a room kind after `each`"))?;
        parser.each = Some(parser.kind_arg(&kind_tok)?);
        parser.expect(Tok::Colon, "`:` after the room kind")?;
    }
    if parser.peek().is_none() {
        return Err(RuleError::new(0..text.len(), "the rule is empty").hint("write a comparison such as `chairs >= 4`"));
    }
    let (left, ldim) = parser.expr()?;
    let cmp_span = parser.span();
    let cmp = match parser.bump() {
        Some((Tok::Cmp(c), _)) => c,
        _ => {
            return Err(RuleError::new(cmp_span, "expected a comparison: >=, <=, >, < or ==")
                .hint("a rule compares two values, e.g. `chairs >= 4`"));
        }
    };
    let (right, rdim) = parser.expr()?;
    if let Some((_, span)) = parser.toks.get(parser.pos) {
        return Err(RuleError::new(span.clone(), "unexpected text after the comparison"));
    }
    if ldim != rdim {
        return Err(RuleError::new(cmp_span, format!("cannot compare {ldim} with {rdim}"))
            .hint("give numbers their unit, e.g. `6 m2` for an area or `2.2 m` for a length"));
    }
    Ok(Check {
        each: parser.each,
        left,
        cmp,
        right,
        dim: ldim,
    })
}

// ---------------------------------------------------------------------------------------------
// Evaluation

fn eval(expr: &Expr, plan: &MeasuredPlan, room: Option<&MeasuredRoom>) -> f64 {
    match expr {
        Expr::Number(n) => *n,
        Expr::Quantity(q) => match (q, room) {
            (Quantity::Chairs, Some(r)) => r.chairs as f64,
            (Quantity::Chairs, None) => plan.chairs as f64,
            (Quantity::NetArea, Some(r)) => r.area_m2,
            (Quantity::NetArea, None) => plan.net_area_m2,
            (Quantity::GrossArea, _) => plan.gross_area_m2,
            (Quantity::ShortestSide, Some(r)) => r.shortest_side_m,
            (Quantity::ShortestSide, None) => 0.0,
            (Quantity::Count(s), Some(r)) => r.equipment.get(s).copied().unwrap_or(0) as f64,
            (Quantity::Count(s), None) => plan.equipment.get(s).copied().unwrap_or(0) as f64,
            (Quantity::Rooms(k), _) => plan.rooms.iter().filter(|r| r.kind == *k).count() as f64,
            (Quantity::Area(k), _) => plan.rooms.iter().filter(|r| r.kind == *k).map(|r| r.area_m2).sum(),
            (Quantity::Openings(a, b), _) => plan
                .openings
                .iter()
                .filter(|(x, y)| (x == a && y == b) || (x == b && y == a))
                .count() as f64,
        },
        Expr::Call(f, args) => {
            let v: Vec<f64> = args.iter().map(|a| eval(a, plan, room)).collect();
            match f {
                // Round before ceil/floor so 6 × 1.03 = 6.18 is not 6.180000000000001.
                Func::Ceil => ((v[0] * 1e9).round() / 1e9).ceil(),
                Func::Floor => ((v[0] * 1e9).round() / 1e9).floor(),
                Func::Min => v[0].min(v[1]),
                Func::Max => v[0].max(v[1]),
            }
        }
        Expr::Binary(op, a, b) => {
            let (a, b) = (eval(a, plan, room), eval(b, plan, room));
            match op {
                BinOp::Add => a + b,
                BinOp::Sub => a - b,
                BinOp::Mul => a * b,
                BinOp::Div if b == 0.0 => f64::INFINITY,
                BinOp::Div => a / b,
            }
        }
    }
}

/// One comparison's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// The room checked, for `each` rules.
    pub room: Option<String>,
    pub measured: f64,
    pub required: f64,
    pub pass: bool,
}

/// Evaluates a rule against a measured plan: one outcome for a plan-wide rule, one per room
/// of the kind for an `each` rule (none when the plan has no such room).
pub fn evaluate(check: &Check, plan: &MeasuredPlan) -> Vec<Outcome> {
    let one = |room: Option<&MeasuredRoom>| {
        let measured = eval(&check.left, plan, room);
        let required = eval(&check.right, plan, room);
        Outcome {
            room: room.map(|r| r.id.clone()),
            measured,
            required,
            pass: check.cmp.holds(measured, required),
        }
    };
    match check.each {
        Some(kind) => plan
            .rooms
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| one(Some(r)))
            .collect(),
        None => vec![one(None)],
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::floor_plan::geometry::Point;
    use crate::floor_plan::measure::MeasuredPlan;
    use crate::schema::ExampleKind;

    fn room(id: &str, kind: RoomKind, area: f64, side: f64, chairs: u32, sinks: u32) -> MeasuredRoom {
        let mut equipment = BTreeMap::new();
        if chairs > 0 {
            equipment.insert("dental-chair".to_owned(), chairs);
        }
        if sinks > 0 {
            equipment.insert("sink".to_owned(), sinks);
        }
        MeasuredRoom {
            id: id.into(),
            kind,
            kind_label: kind.label(),
            label: id.into(),
            zone: None,
            points: Vec::new(),
            area_m2: area,
            shortest_side_m: side,
            chairs,
            equipment,
            label_at: Point::new(0.0, 0.0),
        }
    }

    /// Six chairs: two single rooms, one double room of 10 m² (too small), an X-ray room.
    fn plan() -> MeasuredPlan {
        let rooms = vec![
            room("t1", RoomKind::Treatment, 12.0, 3.0, 1, 1),
            room("t2", RoomKind::Treatment, 9.0, 3.0, 1, 1),
            room("t3", RoomKind::Treatment, 10.0, 2.5, 2, 0),
            room("t4", RoomKind::Treatment, 14.0, 3.5, 2, 0),
            room("x", RoomKind::Xray, 6.8, 2.2, 0, 0),
            room("w", RoomKind::Waiting, 30.0, 5.0, 0, 0),
        ];
        let mut equipment = BTreeMap::new();
        equipment.insert("dental-chair".to_owned(), 6);
        equipment.insert("sink".to_owned(), 2);
        MeasuredPlan {
            id: "p".into(),
            file: "p.toml".into(),
            title: String::new(),
            description: String::new(),
            example: ExampleKind::Reference,
            outline: Vec::new(),
            wall: 200.0,
            north: 0,
            gross_area_m2: 170.0,
            net_area_m2: rooms.iter().map(|r| r.area_m2).sum(),
            chairs: 6,
            equipment,
            rooms,
            placed: Vec::new(),
            doors: Vec::new(),
            windows: Vec::new(),
            openings: vec![(RoomKind::Waiting, RoomKind::Treatment)],
            open_walls: Vec::new(),
            flows: Vec::new(),
            annotations: Vec::new(),
        }
    }

    fn check(text: &str) -> Vec<Outcome> {
        let check = parse_check(text, &SymbolLibrary::builtin()).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        evaluate(&check, &plan())
    }

    fn error(text: &str) -> RuleError {
        parse_check(text, &SymbolLibrary::builtin()).expect_err(text)
    }

    #[test]
    fn chair_count() {
        assert!(check("chairs >= 4")[0].pass);
        assert!(!check("chairs >= 7")[0].pass);
    }

    #[test]
    fn gross_area_per_chair_fails_below_180() {
        let o = &check("gross_area >= 30 m2 * chairs")[0];
        assert_eq!((o.measured, o.required, o.pass), (170.0, 180.0, false));
    }

    #[test]
    fn every_treatment_room_is_checked_per_chair() {
        let outcomes = check("each treatment: net_area >= 6 m² * chairs");
        let failing: Vec<_> = outcomes
            .iter()
            .filter(|o| !o.pass)
            .map(|o| o.room.clone().unwrap())
            .collect();
        assert_eq!(outcomes.len(), 4);
        assert_eq!(failing, vec!["t3"]);
    }

    #[test]
    fn sinks_per_two_chairs_rounds_up() {
        let o = &check("count(sink) >= ceil(chairs / 2)")[0];
        assert_eq!((o.measured, o.required, o.pass), (2.0, 3.0, false));
        assert_eq!(check("count(sink) >= floor(5 / 2)")[0].required, 2.0);
    }

    #[test]
    fn room_existence_area_and_openings() {
        assert!(!check("rooms(sterilising) >= 1")[0].pass);
        assert!(check("rooms(xray) == 1")[0].pass);
        assert_eq!(check("area(treatment) >= 40 m2")[0].measured, 45.0);
        assert!(!check("openings(treatment, waiting) == 0")[0].pass);
    }

    #[test]
    fn shortest_side_in_metres_and_millimetres() {
        assert!(check("each xray: shortest_side >= 2.2 m")[0].pass);
        assert!(check("each xray: shortest_side >= 2200 mm")[0].pass);
        assert!(!check("each xray: shortest_side > 2200 mm")[0].pass);
    }

    #[test]
    fn each_rule_without_such_room_has_no_outcome() {
        assert!(check("each sterilising: net_area >= 8 m2").is_empty());
    }

    #[test]
    fn wrong_units_are_errors_with_a_place() {
        let e = error("net_area >= 4");
        assert!(e.message.contains("cannot compare an area (m²) with a count"), "{e:?}");
        assert_eq!(e.span, 9..11);
        assert!(error("chairs + gross_area > 1").message.contains("cannot add"));
    }

    #[test]
    fn unknown_names_get_hints() {
        let e = error("chiars >= 4");
        assert_eq!(e.span, 0..6);
        assert_eq!(e.hint.as_deref(), Some("did you mean `chairs`?"));
        let e = error("count(sinks) >= 1");
        assert_eq!(e.hint.as_deref(), Some("did you mean `sink`?"));
        let e = error("rooms(sterilizing) >= 1");
        assert_eq!(e.hint.as_deref(), Some("did you mean `sterilising`?"));
        assert!(error("shortest_side >= 2 m").message.contains("one room"));
    }

    #[test]
    fn malformed_rules() {
        assert!(error("chairs = 4").hint.unwrap().contains("=="));
        assert!(error("chairs").message.contains("comparison"));
        assert!(error("chairs >= 4 4").message.contains("unexpected"));
        assert!(error("").message.contains("empty"));
        assert!(error("chairs >= (4").message.contains(")"));
    }
}

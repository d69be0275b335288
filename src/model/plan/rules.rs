//! The rule language: small arithmetic comparisons over a plan's measured quantities, such as
//! `each KIND: net_area >= 6 m2 * QUANTITY` or `area(a, b) >= 0.5 * area(GROUP)`. Room kinds,
//! groups, flow kinds and counted quantities are the words of the guide's vocabulary.
//! Deliberately not a programming language: no variables, no loops, one comparison per rule.
//! Units are checked when the rule is parsed, so comparing an area with a count is an authoring
//! error with a place, not a silent `false`.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

use super::geometry::{self, Point};
use super::measure::{MeasuredPlan, MeasuredRoom, Passage};
use super::symbols::SymbolLibrary;
use super::vocabulary::{KindSet, Vocabulary};
use super::{PassageRef, Reason, RoomRef};
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
    pub(crate) const COUNT: Dim = Dim(0);
    pub(crate) const LENGTH: Dim = Dim(1);
    pub(crate) const AREA: Dim = Dim(2);

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
    /// A counted quantity of the vocabulary: of the room in an `each` rule, else of the plan.
    Counted(String),
    GrossArea,
    NetArea,
    ShortestSide,
    /// Equipment of one symbol: in the room, or in the plan (only in rooms of a set).
    Count(String, Option<KindSet>),
    Rooms(KindSet),
    /// Net area of the rooms of any of the sets.
    Area(Vec<KindSet>),
    /// Open connections (no wall) between rooms of two sets.
    Openings(KindSet, KindSet),
    /// Doors between rooms of two sets.
    DoorsBetween(KindSet, KindSet),
    /// Doors of the room (`each` rules).
    Doors,
    /// Doors of the room to rooms of a set (`outside` is a set too).
    DoorsTo(KindSet),
    /// Windows of the room to rooms of a set.
    WindowsTo(KindSet),
    /// Steps of flows of a kind from a cleaner zone to a less clean one.
    Backflows(String),
    /// Of the room sets listed, how many flows of a kind fail to pass in that order.
    OrderBreaks(String, Vec<KindSet>),
    /// Places where a flow of one kind crosses a flow of another on the drawing.
    Crossings(String, String),
    /// Doors, windows and open connections used by flows of both kinds.
    SharedPassages(String, String),
}

impl Quantity {
    fn dim(&self) -> Dim {
        match self {
            Quantity::GrossArea | Quantity::NetArea | Quantity::Area(_) => Dim::AREA,
            Quantity::ShortestSide => Dim::LENGTH,
            _ => Dim::COUNT,
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
    pub each: Option<KindSet>,
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
    vocabulary: &'a Vocabulary,
    each: Option<KindSet>,
}

/// Quantities of a whole plan, and of one room (in an `each` rule), besides the vocabulary's
/// counted quantities. Their names cannot be used as vocabulary ids.
pub(crate) const PLAN_QUANTITIES: &[&str] = &[
    "gross_area",
    "net_area",
    "count",
    "rooms",
    "area",
    "openings",
    "doors_between",
    "backflows",
    "order_breaks",
    "crossings",
    "shared_passages",
];
pub(crate) const ROOM_QUANTITIES: &[&str] = &["net_area", "shortest_side", "count", "doors", "doors_to", "windows_to"];
const FUNCTIONS: &[&str] = &["ceil", "floor", "min", "max"];
/// Names a vocabulary may not give its own words.
pub(crate) const RESERVED: &[&str] = &[
    "count", "rooms", "area", "openings", "doors", "each", "ceil", "floor", "min", "max", "m", "mm", "m2", "outside",
];

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

    fn kind_arg(&self, arg: &(Tok, Range<usize>)) -> Result<KindSet, RuleError> {
        match arg {
            (Tok::Ident(name), span) => self.vocabulary.kind_set(name).ok_or_else(|| {
                let e = RuleError::new(
                    span.clone(),
                    format!("unknown room kind `{name}` in vocabulary `{}`", self.vocabulary.id),
                );
                e.hint(super::vocabulary::unknown_hint(
                    name,
                    self.vocabulary.kind_set_names(),
                    "room kinds and groups",
                ))
            }),
            (_, span) => Err(RuleError::new(span.clone(), "expected a room kind")),
        }
    }

    /// A room set, or `outside`.
    fn side_arg(&self, arg: &(Tok, Range<usize>)) -> Result<KindSet, RuleError> {
        if let (Tok::Ident(name), _) = arg
            && name == "outside"
        {
            return Ok(KindSet {
                name: "outside".into(),
                kinds: ["outside".to_owned()].into(),
            });
        }
        self.kind_arg(arg)
    }

    fn flow_arg(&self, arg: &(Tok, Range<usize>)) -> Result<String, RuleError> {
        match arg {
            (Tok::Ident(name), span) => {
                if self.vocabulary.flows.contains_key(name) {
                    Ok(name.clone())
                } else {
                    Err(RuleError::new(
                        span.clone(),
                        format!("unknown flow kind `{name}` in vocabulary `{}`", self.vocabulary.id),
                    )
                    .hint(super::vocabulary::unknown_hint(
                        name,
                        self.vocabulary.flows.keys().map(String::as_str),
                        "flow kinds",
                    )))
                }
            }
            (_, span) => Err(RuleError::new(span.clone(), "expected a flow kind")),
        }
    }

    fn symbol_arg(&self, arg: &(Tok, Range<usize>)) -> Result<String, RuleError> {
        match arg {
            (Tok::Ident(symbol), span) => {
                if self.symbols.get(symbol).is_none() {
                    let e = RuleError::new(span.clone(), format!("unknown equipment symbol `{symbol}`"));
                    return Err(match nearest(symbol, self.symbols.ids()) {
                        Some(best) => e.hint(format!("did you mean `{best}`?")),
                        None => e.hint("symbols are defined in symbols/*.toml"),
                    });
                }
                Ok(symbol.clone())
            }
            (_, span) => Err(RuleError::new(span.clone(), "expected an equipment symbol")),
        }
    }

    fn ident(&mut self, name: &str, span: Range<usize>) -> Result<(Expr, Dim), RuleError> {
        let in_room = self.each.is_some();
        let plan_only = |what: &str| {
            RuleError::new(span.clone(), format!("`{what}` is a quantity of the whole plan"))
                .hint("write it in a rule without `each KIND:`")
        };
        let room_only = |what: &str| {
            RuleError::new(span.clone(), format!("`{what}` is a quantity of one room"))
                .hint(format!("write `each KIND: {what}…`"))
        };
        let quantity = match name {
            "gross_area" if in_room => return Err(plan_only(name)),
            "gross_area" => Quantity::GrossArea,
            "net_area" => Quantity::NetArea,
            "shortest_side" if in_room => Quantity::ShortestSide,
            "shortest_side" | "doors" | "doors_to" | "windows_to" if !in_room => return Err(room_only(name)),
            "doors" => Quantity::Doors,
            "doors_to" | "windows_to" => {
                let args = self.args()?;
                let [arg] = args.as_slice() else {
                    return Err(RuleError::new(
                        span,
                        format!("`{name}` takes one room kind, group or `outside`, e.g. `{name}(outside)`"),
                    ));
                };
                let set = self.side_arg(arg)?;
                if name == "doors_to" {
                    Quantity::DoorsTo(set)
                } else {
                    Quantity::WindowsTo(set)
                }
            }
            "count" => {
                let args = self.args()?;
                match args.as_slice() {
                    [symbol] => Quantity::Count(self.symbol_arg(symbol)?, None),
                    [symbol, set] if !in_room => Quantity::Count(self.symbol_arg(symbol)?, Some(self.kind_arg(set)?)),
                    _ => {
                        return Err(RuleError::new(
                            span,
                            if in_room {
                                "`count` in an `each` rule takes one equipment symbol, e.g. `count(sink)`"
                            } else {
                                "`count` takes an equipment symbol and, to count only in some rooms, a room kind or group: `count(sink)` or `count(sink, KIND)`"
                            },
                        ));
                    }
                }
            }
            "rooms" | "area" | "openings" | "doors_between" | "backflows" | "order_breaks" | "crossings"
            | "shared_passages"
                if in_room =>
            {
                return Err(plan_only(name));
            }
            "rooms" => {
                let args = self.args()?;
                let [arg] = args.as_slice() else {
                    return Err(RuleError::new(
                        span,
                        "`rooms` takes one room kind or group, e.g. `rooms(KIND)`",
                    ));
                };
                Quantity::Rooms(self.kind_arg(arg)?)
            }
            "area" => {
                let args = self.args()?;
                if args.is_empty() {
                    return Err(RuleError::new(
                        span,
                        "`area` takes room kinds or groups, e.g. `area(a, b)`",
                    ));
                }
                Quantity::Area(args.iter().map(|a| self.kind_arg(a)).collect::<Result<_, _>>()?)
            }
            "openings" | "doors_between" => {
                let args = self.args()?;
                let [a, b] = args.as_slice() else {
                    return Err(RuleError::new(
                        span,
                        format!("`{name}` takes two room kinds or groups, e.g. `{name}(a, b)`"),
                    ));
                };
                let (a, b) = (self.side_arg(a)?, self.side_arg(b)?);
                if name == "openings" {
                    Quantity::Openings(a, b)
                } else {
                    Quantity::DoorsBetween(a, b)
                }
            }
            "backflows" => {
                let args = self.args()?;
                let [flow] = args.as_slice() else {
                    return Err(RuleError::new(
                        span,
                        "`backflows` takes one flow kind, e.g. `backflows(KIND)`",
                    ));
                };
                Quantity::Backflows(self.flow_arg(flow)?)
            }
            "order_breaks" => {
                let args = self.args()?;
                let Some((flow, sets)) = args.split_first().filter(|(_, rest)| rest.len() >= 2) else {
                    return Err(RuleError::new(
                        span,
                        "`order_breaks` takes a flow kind and at least two room kinds in the order the flow must pass them, e.g. `order_breaks(FLOW, a, b, c)`",
                    ));
                };
                Quantity::OrderBreaks(
                    self.flow_arg(flow)?,
                    sets.iter().map(|a| self.kind_arg(a)).collect::<Result<_, _>>()?,
                )
            }
            "crossings" | "shared_passages" => {
                let args = self.args()?;
                let [a, b] = args.as_slice() else {
                    return Err(RuleError::new(
                        span,
                        format!("`{name}` takes two flow kinds, e.g. `{name}(a, b)`"),
                    ));
                };
                let (a, b) = (self.flow_arg(a)?, self.flow_arg(b)?);
                if name == "crossings" {
                    Quantity::Crossings(a, b)
                } else {
                    Quantity::SharedPassages(a, b)
                }
            }
            "ceil" | "floor" | "min" | "max" => return self.call(name, span),
            _ if self.vocabulary.quantity(name).is_some() => Quantity::Counted(name.to_owned()),
            _ => {
                let valid: &[&str] = if in_room { ROOM_QUANTITIES } else { PLAN_QUANTITIES };
                let counted = self.vocabulary.quantities.iter().map(|q| q.id.as_str());
                let e = RuleError::new(
                    span,
                    format!(
                        "unknown quantity `{name}`{}",
                        if in_room { " in an `each` rule" } else { "" }
                    ),
                );
                return Err(
                    match nearest(
                        name,
                        valid
                            .iter()
                            .copied()
                            .chain(FUNCTIONS.iter().copied())
                            .chain(counted.clone()),
                    ) {
                        Some(best) => e.hint(format!("did you mean `{best}`?")),
                        None => {
                            let counted: Vec<&str> = counted.collect();
                            e.hint(format!(
                                "vocabulary `{}` counts {}; to count something else, add it to the vocabulary's [[quantities]] (other quantities: {})",
                                self.vocabulary.id,
                                if counted.is_empty() { "nothing".to_owned() } else { counted.join(", ") },
                                valid.join(", ")
                            ))
                        }
                    },
                );
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
pub fn parse_check(text: &str, vocabulary: &Vocabulary, symbols: &SymbolLibrary) -> Result<Check, RuleError> {
    let toks = lex(text)?;
    let mut parser = Parser {
        toks,
        pos: 0,
        len: text.len(),
        symbols,
        vocabulary,
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
        return Err(
            RuleError::new(0..text.len(), "the rule is empty").hint("write a comparison such as `rooms(KIND) >= 1`")
        );
    }
    let (left, ldim) = parser.expr()?;
    let cmp_span = parser.span();
    let cmp = match parser.bump() {
        Some((Tok::Cmp(c), _)) => c,
        _ => {
            return Err(RuleError::new(cmp_span, "expected a comparison: >=, <=, >, < or ==")
                .hint("a rule compares two values, e.g. `rooms(KIND) >= 1`"));
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

/// The kind of the room a door or window leads to, `outside` for the outside.
fn kind_of(plan: &MeasuredPlan, room: Option<&str>) -> String {
    room.and_then(|id| plan.room(id))
        .map_or_else(|| "outside".to_owned(), |r| r.kind.clone())
}

fn flows_of<'a>(plan: &'a MeasuredPlan, kind: &'a str) -> impl Iterator<Item = &'a super::measure::Flow> + 'a {
    plan.flows.iter().filter(move |f| f.kind == kind)
}

fn cleanliness(plan: &MeasuredPlan, vocabulary: &Vocabulary, room: Option<usize>) -> Option<u8> {
    let zone = plan.rooms[room?].zone.as_ref()?;
    vocabulary.zones.get(zone)?.cleanliness
}

/// Steps of a flow from a cleaner zone to a less clean one, as (from, to) room indices.
pub(crate) fn backflow_steps(plan: &MeasuredPlan, vocabulary: &Vocabulary, kind: &str) -> Vec<(usize, usize)> {
    // Compared with the last ranked room passed, so a step back through an unranked room (a
    // corridor, the dining area) still counts.
    let mut out = Vec::new();
    for flow in flows_of(plan, kind) {
        let mut last: Option<(usize, u8)> = None;
        for room in flow.rooms.iter().copied() {
            let Some(rank) = cleanliness(plan, vocabulary, room) else {
                continue;
            };
            let Some(i) = room else { continue };
            if let Some((from, before)) = last
                && before > rank
            {
                out.push((from, i));
            }
            last = Some((i, rank));
        }
    }
    out
}

/// How many of `sets` a flow fails to pass in that order.
fn order_breaks_of(plan: &MeasuredPlan, flow: &super::measure::Flow, sets: &[KindSet]) -> usize {
    let mut next = 0;
    for room in flow.rooms.iter().flatten() {
        if next < sets.len() && sets[next].contains(&plan.rooms[*room].kind) {
            next += 1;
        }
    }
    sets.len() - next
}

/// Where routes of two flow kinds cross on the drawing.
pub(crate) fn crossing_points(plan: &MeasuredPlan, a: &str, b: &str) -> Vec<Point> {
    let mut out = Vec::new();
    for fa in flows_of(plan, a) {
        for fb in flows_of(plan, b) {
            for sa in fa.route.windows(2) {
                for sb in fb.route.windows(2) {
                    if geometry::segments_cross(sa[0], sa[1], sb[0], sb[1]) {
                        // The crossing point, for markers.
                        let (d1x, d1y) = (sa[1].x - sa[0].x, sa[1].y - sa[0].y);
                        let (d2x, d2y) = (sb[1].x - sb[0].x, sb[1].y - sb[0].y);
                        let det = d1x * d2y - d1y * d2x;
                        let t = ((sb[0].x - sa[0].x) * d2y - (sb[0].y - sa[0].y) * d2x) / det;
                        out.push(Point::new(sa[0].x + d1x * t, sa[0].y + d1y * t));
                    }
                }
            }
        }
    }
    out
}

/// Passages used by flows of both kinds.
pub(crate) fn shared_passages(plan: &MeasuredPlan, a: &str, b: &str) -> Vec<Passage> {
    let used = |k: &str| {
        flows_of(plan, k)
            .flat_map(|f| f.passages.iter().copied())
            .collect::<std::collections::BTreeSet<_>>()
    };
    let (ua, ub) = (used(a), used(b));
    ua.intersection(&ub).copied().collect()
}

fn eval(expr: &Expr, plan: &MeasuredPlan, vocabulary: &Vocabulary, room: Option<&MeasuredRoom>) -> f64 {
    match expr {
        Expr::Number(n) => *n,
        Expr::Quantity(q) => match (q, room) {
            (Quantity::Counted(id), Some(r)) => r.counts.get(id).copied().unwrap_or(0) as f64,
            (Quantity::Counted(id), None) => plan.counts.get(id).copied().unwrap_or(0) as f64,
            (Quantity::NetArea, Some(r)) => r.area_m2,
            (Quantity::NetArea, None) => plan.net_area_m2,
            (Quantity::GrossArea, _) => plan.gross_area_m2,
            (Quantity::ShortestSide, Some(r)) => r.shortest_side_m,
            (Quantity::ShortestSide, None) => 0.0,
            (Quantity::Count(s, _), Some(r)) => r.equipment.get(s).copied().unwrap_or(0) as f64,
            (Quantity::Count(s, None), None) => plan.equipment.get(s).copied().unwrap_or(0) as f64,
            (Quantity::Count(s, Some(set)), None) => plan
                .rooms
                .iter()
                .filter(|r| set.contains(&r.kind))
                .map(|r| r.equipment.get(s).copied().unwrap_or(0) as f64)
                .sum(),
            (Quantity::Rooms(set), _) => plan.rooms.iter().filter(|r| set.contains(&r.kind)).count() as f64,
            (Quantity::Area(sets), _) => {
                let sum: f64 = plan
                    .rooms
                    .iter()
                    .filter(|r| sets.iter().any(|s| s.contains(&r.kind)))
                    .map(|r| r.area_m2)
                    .sum();
                (sum * 1e6).round() / 1e6
            }
            (Quantity::Openings(a, b), _) => plan
                .open_walls
                .iter()
                .filter(|(x, y, _, _)| {
                    let (kx, ky) = (&plan.rooms[*x].kind, &plan.rooms[*y].kind);
                    (a.contains(kx) && b.contains(ky)) || (a.contains(ky) && b.contains(kx))
                })
                .count() as f64,
            (Quantity::DoorsBetween(a, b), _) => plan
                .doors
                .iter()
                .filter(|d| {
                    let (kx, ky) = (kind_of(plan, Some(&d.room)), kind_of(plan, d.other.as_deref()));
                    (a.contains(&kx) && b.contains(&ky)) || (a.contains(&ky) && b.contains(&kx))
                })
                .count() as f64,
            (Quantity::Doors, Some(r)) => plan
                .doors
                .iter()
                .filter(|d| d.room == r.id || d.other.as_deref() == Some(r.id.as_str()))
                .count() as f64,
            (Quantity::DoorsTo(set) | Quantity::WindowsTo(set), Some(r)) => {
                let list = if matches!(q, Quantity::DoorsTo(_)) {
                    &plan.doors
                } else {
                    &plan.windows
                };
                list.iter()
                    .filter_map(|d| {
                        if d.room == r.id {
                            Some(kind_of(plan, d.other.as_deref()))
                        } else if d.other.as_deref() == Some(r.id.as_str()) {
                            Some(kind_of(plan, Some(&d.room)))
                        } else {
                            None
                        }
                    })
                    .filter(|k| set.contains(k))
                    .count() as f64
            }
            (Quantity::Doors | Quantity::DoorsTo(_) | Quantity::WindowsTo(_), None) => 0.0,
            (Quantity::Backflows(kind), _) => backflow_steps(plan, vocabulary, kind).len() as f64,
            (Quantity::OrderBreaks(kind, sets), _) => {
                let mut flows = flows_of(plan, kind).peekable();
                if flows.peek().is_none() {
                    sets.len() as f64
                } else {
                    flows.map(|f| order_breaks_of(plan, f, sets)).sum::<usize>() as f64
                }
            }
            (Quantity::Crossings(a, b), _) => crossing_points(plan, a, b).len() as f64,
            (Quantity::SharedPassages(a, b), _) => shared_passages(plan, a, b).len() as f64,
        },
        Expr::Call(f, args) => {
            let v: Vec<f64> = args.iter().map(|a| eval(a, plan, vocabulary, room)).collect();
            match f {
                // Round before ceil/floor so 6 × 1.03 = 6.18 is not 6.180000000000001.
                Func::Ceil => ((v[0] * 1e9).round() / 1e9).ceil(),
                Func::Floor => ((v[0] * 1e9).round() / 1e9).floor(),
                Func::Min => v[0].min(v[1]),
                Func::Max => v[0].max(v[1]),
            }
        }
        Expr::Binary(op, a, b) => {
            let (a, b) = (eval(a, plan, vocabulary, room), eval(b, plan, vocabulary, room));
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
pub(crate) struct Outcome {
    /// The room checked, for `each` rules.
    pub room: Option<String>,
    pub measured: f64,
    pub required: f64,
    pub pass: bool,
}

/// Evaluates a rule against a measured plan: one outcome for a plan-wide rule, one per room
/// of the kind for an `each` rule (none when the plan has no such room).
pub(crate) fn evaluate(check: &Check, plan: &MeasuredPlan, vocabulary: &Vocabulary) -> Vec<Outcome> {
    let one = |room: Option<&MeasuredRoom>| {
        let measured = eval(&check.left, plan, vocabulary, room);
        let required = eval(&check.right, plan, vocabulary, room);
        Outcome {
            room: room.map(|r| r.id.clone()),
            measured,
            required,
            pass: check.cmp.holds(measured, required),
        }
    };
    match &check.each {
        Some(set) => plan
            .rooms
            .iter()
            .filter(|r| set.contains(&r.kind))
            .map(|r| one(Some(r)))
            .collect(),
        None => vec![one(None)],
    }
}

fn walk<'e>(e: &'e Expr, out: &mut Vec<&'e Quantity>) {
    match e {
        Expr::Quantity(q) => out.push(q),
        Expr::Call(_, args) => args.iter().for_each(|a| walk(a, out)),
        Expr::Binary(_, a, b) => {
            walk(a, out);
            walk(b, out);
        }
        Expr::Number(_) => {}
    }
}

/// The quantities a rule speaks of, left side first.
fn quantities(check: &Check) -> Vec<&Quantity> {
    let mut qs = Vec::new();
    walk(&check.left, &mut qs);
    walk(&check.right, &mut qs);
    qs
}

/// Words for why a rule about flows fails: which step runs back, which passage is shared,
/// where flows cross. Empty for rules whose numbers say it all.
pub(crate) fn explain(check: &Check, plan: &MeasuredPlan, vocabulary: &Vocabulary) -> Vec<String> {
    let qs = quantities(check);
    let zone = |i: usize| {
        plan.rooms[i]
            .zone
            .as_ref()
            .and_then(|z| vocabulary.zones.get(z))
            .map_or(String::new(), |z| z.label.clone())
    };
    let passage = |p: Passage| {
        let (what, o) = match p {
            Passage::Door(i) => ("door", &plan.doors[i]),
            Passage::Window(i) => ("window", &plan.windows[i]),
            Passage::Open(i) => {
                return format!(
                    "the open connection of `{}` and `{}`",
                    plan.rooms[plan.open_walls[i].0].id, plan.rooms[plan.open_walls[i].1].id
                );
            }
        };
        format!("the {what} of `{}` at [{}, {}]", o.room, o.at.x, o.at.y)
    };
    let mut out = Vec::new();
    for q in qs {
        match q {
            Quantity::Backflows(kind) => {
                for (a, b) in backflow_steps(plan, vocabulary, kind) {
                    out.push(format!(
                        "the `{kind}` flow runs back from `{}` ({}) to `{}` ({})",
                        plan.rooms[a].id,
                        zone(a),
                        plan.rooms[b].id,
                        zone(b)
                    ));
                }
            }
            Quantity::SharedPassages(a, b) => {
                for p in shared_passages(plan, a, b) {
                    out.push(format!("flows `{a}` and `{b}` both pass {}", passage(p)));
                }
            }
            Quantity::Crossings(a, b) => {
                for p in crossing_points(plan, a, b) {
                    out.push(format!(
                        "flows `{a}` and `{b}` cross at about [{}, {}]",
                        p.x.round(),
                        p.y.round()
                    ));
                }
            }
            Quantity::OrderBreaks(kind, sets) => {
                let names: Vec<&str> = sets.iter().map(|s| s.name.as_str()).collect();
                out.push(format!(
                    "the `{kind}` flow must pass {} in this order",
                    names.join(" → ")
                ));
            }
            _ => {}
        }
    }
    out
}

/// The same reasons for the applicant, as data: which flows, rooms (with their zones) and
/// passages, by the labels the vocabulary and the plan give them. The templates make the
/// sentence in the page's language (`templates/labels/<lang>.toml`, section `plan_reason`).
pub(crate) fn explain_for_readers(check: &Check, plan: &MeasuredPlan, vocabulary: &Vocabulary) -> Vec<Reason> {
    let qs = quantities(check);
    let flow = |k: &str| vocabulary.flows.get(k).map_or(k.to_owned(), |f| f.label.clone());
    let room = |i: usize| {
        let r = &plan.rooms[i];
        RoomRef {
            label: r.label.clone(),
            zone: r
                .zone
                .as_ref()
                .and_then(|z| vocabulary.zones.get(z))
                .map(|z| z.label.clone()),
        }
    };
    let owner = |id: &str| plan.room(id).map_or(String::new(), |r| r.label.clone());
    let passage = |p: Passage| match p {
        Passage::Door(i) => PassageRef::Door {
            room: owner(&plan.doors[i].room),
        },
        Passage::Window(i) => PassageRef::Window {
            room: owner(&plan.windows[i].room),
            label: plan.windows[i].label.clone(),
        },
        Passage::Open(i) => PassageRef::Open {
            first: plan.rooms[plan.open_walls[i].0].label.clone(),
            second: plan.rooms[plan.open_walls[i].1].label.clone(),
        },
    };
    let mut out = Vec::new();
    for q in qs {
        match q {
            Quantity::Backflows(kind) => {
                for (a, b) in backflow_steps(plan, vocabulary, kind) {
                    out.push(Reason::Backflow {
                        flow: flow(kind),
                        from: room(a),
                        to: room(b),
                    });
                }
            }
            Quantity::SharedPassages(a, b) => {
                for p in shared_passages(plan, a, b) {
                    out.push(Reason::SharedPassage {
                        first: flow(a),
                        second: flow(b),
                        passage: passage(p),
                    });
                }
            }
            Quantity::Crossings(a, b) => {
                let count = crossing_points(plan, a, b).len();
                if count > 0 {
                    out.push(Reason::Crossings {
                        first: flow(a),
                        second: flow(b),
                        count,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// Where a failing plan-wide rule shows on the drawing: the rooms it is about and, for
/// crossings, the points where flows cross.
pub(crate) fn involved(check: &Check, plan: &MeasuredPlan, vocabulary: &Vocabulary) -> (Vec<usize>, Vec<Point>) {
    let mut rooms = std::collections::BTreeSet::new();
    let mut points = Vec::new();
    let sets_rooms = |sets: &[&KindSet], rooms: &mut std::collections::BTreeSet<usize>| {
        for (i, r) in plan.rooms.iter().enumerate() {
            if sets.iter().any(|s| s.contains(&r.kind)) {
                rooms.insert(i);
            }
        }
    };
    let visit = |e: &Expr, rooms: &mut std::collections::BTreeSet<usize>, points: &mut Vec<Point>| {
        let mut qs = Vec::new();
        walk(e, &mut qs);
        for q in qs {
            match q {
                Quantity::Count(_, Some(s)) | Quantity::Rooms(s) => sets_rooms(&[s], rooms),
                Quantity::Area(sets) => sets_rooms(&sets.iter().collect::<Vec<_>>(), rooms),
                Quantity::Openings(a, b) => {
                    for (x, y, _, _) in &plan.open_walls {
                        let (kx, ky) = (&plan.rooms[*x].kind, &plan.rooms[*y].kind);
                        if (a.contains(kx) && b.contains(ky)) || (a.contains(ky) && b.contains(kx)) {
                            rooms.insert(*x);
                            rooms.insert(*y);
                        }
                    }
                }
                Quantity::DoorsBetween(a, b) => {
                    for d in &plan.doors {
                        let (kx, ky) = (kind_of(plan, Some(&d.room)), kind_of(plan, d.other.as_deref()));
                        if (a.contains(&kx) && b.contains(&ky)) || (a.contains(&ky) && b.contains(&kx)) {
                            rooms.extend(plan.room_index(&d.room));
                            rooms.extend(d.other.as_deref().and_then(|o| plan.room_index(o)));
                        }
                    }
                }
                Quantity::Backflows(kind) => {
                    for (_, to) in backflow_steps(plan, vocabulary, kind) {
                        rooms.insert(to);
                    }
                }
                Quantity::OrderBreaks(kind, _) => {
                    for f in flows_of(plan, kind) {
                        rooms.extend(f.rooms.iter().flatten().copied());
                    }
                }
                Quantity::Crossings(a, b) => points.extend(crossing_points(plan, a, b)),
                Quantity::SharedPassages(a, b) => {
                    for p in shared_passages(plan, a, b) {
                        points.push(plan.passage_point(p));
                    }
                }
                _ => {}
            }
        }
    };
    visit(&check.left, &mut rooms, &mut points);
    visit(&check.right, &mut rooms, &mut points);
    (rooms.into_iter().collect(), points)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::plan::measure::{Flow, MeasuredPlan, Opening};
    use crate::model::plan::symbols::Symbol;
    use crate::model::plan::vocabulary::{FlowDef, GroupDef, QuantityDef, ZoneDef};
    use crate::source::format::ExampleKind;
    use crate::source::plan_format::{LineStyle, Pattern, Shape};

    // A made-up vocabulary: `bay` rooms hold `seat`s; `wet` groups `wash` and `prep`.
    fn vocabulary() -> Vocabulary {
        let mut v = Vocabulary {
            id: "test".into(),
            ..Vocabulary::default()
        };
        for k in ["bay", "scan", "lobby", "wash", "prep", "store"] {
            v.kinds.insert(k.into(), k.to_uppercase());
        }
        v.groups.insert(
            "wet".into(),
            GroupDef {
                id: "wet".into(),
                label: "WET".into(),
                kinds: vec!["wash".into(), "prep".into()],
            },
        );
        for (z, c) in [("dirty", 1), ("clean", 2)] {
            v.zones.insert(
                z.into(),
                ZoneDef {
                    id: z.into(),
                    label: z.into(),
                    pattern: Pattern::Dots,
                    color: "#000000".into(),
                    cleanliness: Some(c),
                },
            );
        }
        for f in ["goods", "dishes"] {
            v.flows.insert(
                f.into(),
                FlowDef {
                    id: f.into(),
                    label: f.into(),
                    line: LineStyle::Solid,
                    color: "#000000".into(),
                },
            );
        }
        v.quantities.push(QuantityDef {
            id: "seats".into(),
            label: "SEATS".into(),
            unit: "".into(),
            counts: vec!["seat".into()],
        });
        v
    }

    fn symbols() -> SymbolLibrary {
        let mut lib = SymbolLibrary::default();
        for id in ["seat", "sink", "boiler"] {
            lib.symbols.insert(
                id.into(),
                Symbol {
                    id: id.into(),
                    label: id.into(),
                    width: 500,
                    depth: 500,
                    shape: Shape::Box,
                    file: "symbols/test.toml".into(),
                },
            );
        }
        lib
    }

    fn room(id: &str, kind: &str, area: f64, side: f64, seats: u32, sinks: u32) -> MeasuredRoom {
        let mut equipment = BTreeMap::new();
        let mut counts = BTreeMap::new();
        if seats > 0 {
            equipment.insert("seat".to_owned(), seats);
            counts.insert("seats".to_owned(), seats);
        }
        if sinks > 0 {
            equipment.insert("sink".to_owned(), sinks);
        }
        MeasuredRoom {
            id: id.into(),
            kind: kind.into(),
            label: id.into(),
            zone: None,
            points: Vec::new(),
            inner: Vec::new(),
            area_m2: area,
            shortest_side_m: side,
            counts,
            equipment,
            label_at: Point::new(0.0, 0.0),
        }
    }

    fn door(room: &str, other: Option<&str>) -> Opening {
        Opening {
            room: room.into(),
            other: other.map(Into::into),
            at: Point::new(0.0, 0.0),
            width: 900.0,
            a: Point::new(0.0, 0.0),
            b: Point::new(1.0, 0.0),
            inward: Point::new(0.0, 1.0),
            wall: 200.0,
            faces: (-100.0, 100.0),
            swing: None,
            label: None,
        }
    }

    /// Six seats: two single bays, one double bay of 10 m² (too small), a scan room; a lobby
    /// open to a bay; a wash room (dirty) and a prep room (clean) with a goods flow that runs
    /// back from clean to dirty.
    fn plan() -> MeasuredPlan {
        let mut rooms = vec![
            room("t1", "bay", 12.0, 3.0, 1, 1),
            room("t2", "bay", 9.0, 3.0, 1, 1),
            room("t3", "bay", 10.0, 2.5, 2, 0),
            room("t4", "bay", 14.0, 3.5, 2, 0),
            room("x", "scan", 6.8, 2.2, 0, 0),
            room("w", "lobby", 30.0, 5.0, 0, 1),
            room("k1", "wash", 6.0, 2.0, 0, 0),
            room("k2", "prep", 20.0, 4.0, 0, 0),
        ];
        rooms[6].zone = Some("dirty".into());
        rooms[7].zone = Some("clean".into());
        let mut equipment = BTreeMap::new();
        equipment.insert("seat".to_owned(), 6);
        equipment.insert("sink".to_owned(), 3);
        MeasuredPlan {
            id: "p".into(),
            file: "p.toml".into(),
            title: String::new(),
            description: String::new(),
            example: ExampleKind::Reference,
            vocabulary: "test".into(),
            outline: Vec::new(),
            wall_mm: 200,
            outer_wall_mm: 200,
            north: 0,
            gross_area_m2: 170.0,
            net_area_m2: rooms.iter().map(|r| r.area_m2).sum(),
            counts: [("seats".to_owned(), 6)].into(),
            equipment,
            placed: Vec::new(),
            doors: vec![door("k1", Some("k2")), door("k1", None), door("t1", Some("w"))],
            windows: vec![door("k2", Some("w"))],
            open_walls: vec![(5, 0, Point::new(0.0, 0.0), Point::new(1.0, 0.0))],
            flows: vec![
                Flow {
                    kind: "goods".into(),
                    rooms: vec![None, Some(6), Some(7), Some(6)],
                    passages: vec![Passage::Door(1), Passage::Door(0), Passage::Door(0)],
                    route: vec![Point::new(0.0, 0.0), Point::new(10.0, 10.0)],
                },
                Flow {
                    kind: "dishes".into(),
                    rooms: vec![Some(5), Some(7)],
                    passages: vec![Passage::Window(0)],
                    route: vec![Point::new(10.0, 0.0), Point::new(0.0, 10.0)],
                },
            ],
            rooms,
            annotations: Vec::new(),
        }
    }

    fn check(text: &str) -> Vec<Outcome> {
        let check = parse_check(text, &vocabulary(), &symbols()).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        evaluate(&check, &plan(), &vocabulary())
    }

    fn error(text: &str) -> RuleError {
        parse_check(text, &vocabulary(), &symbols()).expect_err(text)
    }

    #[test]
    fn counted_quantity_of_the_vocabulary() {
        assert!(check("seats >= 4")[0].pass);
        assert!(!check("seats >= 7")[0].pass);
    }

    #[test]
    fn gross_area_per_seat_fails_below_180() {
        let o = &check("gross_area >= 30 m2 * seats")[0];
        assert_eq!((o.measured, o.required, o.pass), (170.0, 180.0, false));
    }

    #[test]
    fn every_room_of_a_kind_is_checked_per_seat() {
        let outcomes = check("each bay: net_area >= 6 m² * seats");
        let failing: Vec<_> = outcomes
            .iter()
            .filter(|o| !o.pass)
            .map(|o| o.room.clone().unwrap())
            .collect();
        assert_eq!(outcomes.len(), 4);
        assert_eq!(failing, vec!["t3"]);
    }

    #[test]
    fn sinks_counted_only_in_the_rooms_named() {
        // Three sinks in the plan, one of them in the lobby: two in bays.
        assert_eq!(check("count(sink) >= 1")[0].measured, 3.0);
        let o = &check("count(sink, bay) >= ceil(seats / 2)")[0];
        assert_eq!((o.measured, o.required, o.pass), (2.0, 3.0, false));
        assert_eq!(check("count(sink) >= floor(5 / 2)")[0].required, 2.0);
    }

    #[test]
    fn room_existence_area_sums_and_openings() {
        assert!(!check("rooms(store) >= 1")[0].pass);
        assert!(check("rooms(scan) == 1")[0].pass);
        assert_eq!(check("area(bay) >= 40 m2")[0].measured, 45.0);
        // A sum over kinds and a group: wash + prep = 26 m², against half the lobby.
        let o = &check("area(wash, prep) >= 0.5 * area(lobby)")[0];
        assert_eq!((o.measured, o.required, o.pass), (26.0, 15.0, true));
        assert_eq!(check("area(wet) >= 1 m2")[0].measured, 26.0);
        assert!(!check("openings(bay, lobby) == 0")[0].pass);
    }

    #[test]
    fn doors_by_the_room_on_the_other_side() {
        let o = check("each wash: doors == 1");
        assert_eq!(o[0].measured, 2.0, "one door to prep, one to the outside");
        assert_eq!(check("each wash: doors_to(outside) >= 1")[0].measured, 1.0);
        // The door k1 → k2 counts for k2 too, seen from its side.
        assert_eq!(check("each prep: doors_to(wash) == 1")[0].measured, 1.0);
        assert_eq!(check("each prep: windows_to(lobby) == 1")[0].measured, 1.0);
        assert_eq!(check("doors_between(bay, lobby) == 0")[0].measured, 1.0);
        // Entered only through a wash room: doors == doors_to(wash).
        assert!(!check("each wash: doors == doors_to(prep)")[0].pass);
        assert!(check("each prep: doors == doors_to(wash)")[0].pass);
    }

    #[test]
    fn flows_running_back_to_a_dirtier_zone() {
        // goods: outside → wash (dirty) → prep (clean) → wash (dirty): one step back.
        let o = &check("backflows(goods) == 0")[0];
        assert_eq!((o.measured, o.pass), (1.0, false));
        assert_eq!(check("backflows(dishes) == 0")[0].measured, 0.0);
        // Back through an unranked room: prep (clean) → lobby (no zone) → wash (dirty).
        let mut p = plan();
        p.flows[1].rooms = vec![Some(7), Some(5), Some(6)];
        assert_eq!(backflow_steps(&p, &vocabulary(), "dishes"), [(7, 6)]);
    }

    #[test]
    fn flows_passing_rooms_in_order() {
        assert_eq!(check("order_breaks(goods, wash, prep) == 0")[0].measured, 0.0);
        // prep then store: store never comes.
        assert_eq!(check("order_breaks(goods, prep, store) == 0")[0].measured, 1.0);
        // dishes must pass wash before prep: they never pass wash, so the order breaks at
        // once and both are missed.
        assert_eq!(check("order_breaks(dishes, wash, prep) == 0")[0].measured, 2.0);
    }

    #[test]
    fn crossing_and_shared_passages() {
        // The two routes are the diagonals of a square: one crossing.
        assert_eq!(check("crossings(goods, dishes) == 0")[0].measured, 1.0);
        assert_eq!(check("shared_passages(goods, dishes) == 0")[0].measured, 0.0);
        assert_eq!(check("shared_passages(goods, goods) >= 1")[0].measured, 2.0);
    }

    #[test]
    fn shortest_side_in_metres_and_millimetres() {
        assert!(check("each scan: shortest_side >= 2.2 m")[0].pass);
        assert!(check("each scan: shortest_side >= 2200 mm")[0].pass);
        assert!(!check("each scan: shortest_side > 2200 mm")[0].pass);
    }

    #[test]
    fn each_rule_without_such_room_has_no_outcome() {
        assert!(check("each store: net_area >= 8 m2").is_empty());
    }

    #[test]
    fn wrong_units_are_errors_with_a_place() {
        let e = error("net_area >= 4");
        assert!(e.message.contains("cannot compare an area (m²) with a count"), "{e:?}");
        assert_eq!(e.span, 9..11);
        assert!(error("seats + gross_area > 1").message.contains("cannot add"));
    }

    #[test]
    fn unknown_names_get_hints_from_the_vocabulary() {
        let e = error("saets >= 4");
        assert_eq!(e.span, 0..5);
        assert_eq!(e.hint.as_deref(), Some("did you mean `seats`?"));
        let e = error("count(sinks) >= 1");
        assert_eq!(e.hint.as_deref(), Some("did you mean `sink`?"));
        let e = error("rooms(stor) >= 1");
        assert_eq!(e.hint.as_deref(), Some("did you mean `store`?"));
        assert!(e.message.contains("vocabulary `test`"), "{}", e.message);
        let e = error("backflows(good) == 0");
        assert_eq!(e.hint.as_deref(), Some("did you mean `goods`?"));
        assert!(error("shortest_side >= 2 m").message.contains("one room"));
        assert!(error("each bay: rooms(bay) >= 1").message.contains("whole plan"));
    }

    #[test]
    fn malformed_rules() {
        assert!(error("seats = 4").hint.unwrap().contains("=="));
        assert!(error("seats").message.contains("comparison"));
        assert!(error("seats >= 4 4").message.contains("unexpected"));
        assert!(error("").message.contains("empty"));
        assert!(error("seats >= (4").message.contains(")"));
        assert!(error("order_breaks(goods, wash) == 0").message.contains("at least two"));
    }
}

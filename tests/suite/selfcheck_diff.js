// The browser side of the differential test (tests/suite/selfcheck.rs): runs the emitted
// self-check evaluator on every case the Rust suite wrote and compares its results with the
// Rust evaluator's, status and numbers exactly. Usage: node selfcheck_diff.js EVALUATOR CASES
'use strict';
const fs = require('node:fs');
const engine = require(process.argv[2]);
const suites = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));

// JSON has no infinity: both sides write non-finite numbers as strings.
function number(v) {
  if (v === null) { return null; }
  if (Number.isNaN(v)) { return 'NaN'; }
  if (v === Infinity) { return 'Infinity'; }
  if (v === -Infinity) { return '-Infinity'; }
  return v;
}

let total = 0;
const differences = [];
for (const suite of suites) {
  suite.cases.forEach((c, i) => {
    total += 1;
    const got = engine.evaluateAll(suite.data, c.figures).map((r) => ({
      id: r.id,
      status: r.status,
      outcomes: r.outcomes.map((o) => ({ room: o.room, status: o.status, measured: number(o.measured), required: number(o.required) })),
    }));
    c.expected.forEach((want, k) => {
      const have = got[k];
      const same = have && have.id === want.id && have.status === want.status && have.outcomes.length === want.outcomes.length &&
        want.outcomes.every((o, j) => {
          const h = have.outcomes[j];
          // === also holds for 0 and -0, which print alike.
          return h.room === o.room && h.status === o.status && h.measured === o.measured && h.required === o.required;
        });
      if (!same && differences.length < 20) {
        differences.push({ suite: suite.name, case: i, rule: want.id, rust: want, js: have, figures: c.figures });
      }
    });
    const mismatches = engine.countMismatches(suite.data, c.figures);
    const key = (list) => JSON.stringify(list.map((m) => [m.quantity, m.entered, m.in_rooms]));
    if (key(mismatches) !== key(c.mismatches) && differences.length < 20) {
      differences.push({ suite: suite.name, case: i, mismatches: { rust: c.mismatches, js: mismatches }, figures: c.figures });
    }
    if (got.length !== c.expected.length) { differences.push({ suite: suite.name, case: i, lengths: [c.expected.length, got.length] }); }
  });
}
if (differences.length) {
  console.log(JSON.stringify(differences, null, 1));
  process.exit(1);
}
console.log(`${total} figure sets agree`);

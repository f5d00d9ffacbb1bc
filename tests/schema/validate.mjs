#!/usr/bin/env node
// Validates lever stores against schemas/ with ajv, a JSON Schema validator independent of lever's
// own, so the schemas are proved to describe what lever writes (and lever's validator is not the
// only judge of its own output).
//
//   node validate.mjs [--undocumented] SCHEMAS_DIR PATH...
//                                           every store found under each PATH (a directory holding
//                                           store.json, at any depth); exits 1 on any invalid record.
//                                           --undocumented also lists, per collection, every field
//                                           lever wrote (at any depth) that its schema never names,
//                                           and counts each such record as invalid, even where the
//                                           schema allows other fields
//   node validate.mjs --outputs SCHEMAS_DIR DIR
//                                           captured command outputs (tests/e2e/test_output_fields.sh):
//                                           DIR/<schema path>/<n>.json|ndjson, each checked against
//                                           SCHEMAS_DIR/<schema path>.schema.json ("output/plan-list");
//                                           a .json array is a list of rows, each checked
//   node validate.mjs --table               the collection table below, one "name dir schema kind"
//                                           row each (tests compare it with src/store/collections.cpp)
//
// A failure prints "file:line: collection: ajv error"; the summary names every collection kind seen.
import fs from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

// The store's layout (lever-store(5); src/store/collections.cpp): a document is <dir>/<id>.json,
// a log is <dir>/<key>.ndjson with one record per line.
const COLLECTIONS = [
  { name: "athlete", dir: "athletes", schema: "athlete.schema.json", log: false },
  { name: "pain", dir: "pain", schema: "pain-entry.schema.json", log: true },
  { name: "session", dir: "sessions", schema: "session.schema.json", log: false },
  { name: "unit", dir: "units", schema: "unit.schema.json", log: false },
  { name: "audit", dir: "audit", schema: "audit-entry.schema.json", log: true },
  { name: "plan", dir: "plans", schema: "plan.schema.json", log: false },
  { name: "template", dir: "templates", schema: "template.schema.json", log: false },
  { name: "calibration", dir: "calibrations", schema: "calibration.schema.json", log: false },
  { name: "telemetry", dir: "telemetry", schema: "telemetry-sample.schema.json", log: true },
];
// Entries of a store that are not records: the write lock, an import in flight (journal/), and the
// simulator's non-volatile memory (sim/), which belongs to the simulated unit, not to the store.
const NOT_RECORDS = new Set([".lock", "journal", "sim", "cache"]);
// A document is written to ".<name>.tmp-XXXXXX" and renamed; one left by a crash was never a record,
// and lever's next writer removes it.
const isLeftoverTemp = (name) => name.startsWith(".") && name.includes(".tmp-");

function usage(msg) {
  process.stderr.write(`${msg}\nusage: node validate.mjs [--undocumented] SCHEMAS_DIR PATH... | node validate.mjs --outputs SCHEMAS_DIR DIR | node validate.mjs --table\n`);
  process.exit(2);
}

// Every schema in the folder, compiled by ajv in strict mode (an unknown keyword is an error).
function loadSchemas(dir) {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  const byFile = new Map();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".schema.json")).sort()) {
    const schema = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
    const validate = ajv.compile(schema);
    validate.root = schema;
    byFile.set(file, validate);
  }
  return byFile;
}

// Directories under root (root included) that hold a store.json: each is one store.
function findStores(root) {
  const out = [];
  const walk = (d) => {
    const entries = fs.readdirSync(d, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name === "store.json")) out.push(d);
    for (const e of entries) if (e.isDirectory()) walk(path.join(d, e.name));
  };
  walk(root);
  return out;
}

// The fields of `value` that `schema` never names, as JSON Pointers, at any depth: the keys of an
// object outside the "properties" its schema lists (even where "additionalProperties" is true;
// where that is a schema, the object is a map whose entries it describes), array items by "items",
// local $refs followed. An object schema that lists no properties (an audit entry's details, which
// differ per action) is free-form by design: its keys are not reported.
function unnamed(root, schema, value, ptr = "") {
  if (!schema || typeof schema !== "object" || value === null || typeof value !== "object") return [];
  if (schema.$ref) {
    const target = schema.$ref.slice(2).split("/").reduce((s, k) => s && s[k], root);
    return unnamed(root, { ...target, ...schema, $ref: undefined }, value, ptr);
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => unnamed(root, schema.items, v, `${ptr}/${i}`));
  if (!schema.properties && (!schema.additionalProperties || typeof schema.additionalProperties !== "object")) return [];
  const out = [];
  const props = schema.properties || {};
  const extra = schema.additionalProperties;
  for (const [k, v] of Object.entries(value)) {
    if (k in props) out.push(...unnamed(root, props[k], v, `${ptr}/${k}`));
    else if (extra && typeof extra === "object") out.push(...unnamed(root, extra, v, `${ptr}/${k}`));
    else out.push(`${ptr}/${k}`);
  }
  return out;
}

function describe(errors) {
  return errors.map((e) => `${e.instancePath || "/"} ${e.message}${e.params ? " " + JSON.stringify(e.params) : ""}`).join("; ");
}

// Captured outputs against their schemas (lever's own validator checks them too, and their CSV).
function checkOutputs(schemasDir, dir) {
  const validators = loadSchemas(schemasDir);
  const outputDir = path.join(schemasDir, "output");
  if (fs.existsSync(outputDir)) for (const [file, v] of loadSchemas(outputDir)) validators.set(`output/${file}`, v);
  let failures = 0;
  let records = 0;
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]);
  const files = walk(dir).filter((f) => f.endsWith(".json") || f.endsWith(".ndjson")).sort();
  for (const file of files) {
    const rel = path.relative(dir, file);
    const schema = `${path.dirname(rel)}.schema.json`;
    const validate = validators.get(schema);
    if (!validate) {
      failures++;
      console.log(`${rel}: no schema ${schema}`);
      continue;
    }
    const text = fs.readFileSync(file, "utf8");
    let values;
    try {
      values = file.endsWith(".ndjson")
        ? text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l))
        : [JSON.parse(text)].flatMap((v) => (Array.isArray(v) ? v : [v]));
    } catch (e) {
      failures++;
      console.log(`${rel}: not JSON: ${e.message}`);
      continue;
    }
    values.forEach((v, i) => {
      records++;
      if (!validate(v)) {
        failures++;
        console.log(`${rel}: record ${i + 1}: ${describe(validate.errors)}`);
      }
    });
  }
  console.log(`${files.length} outputs, ${records} records checked, ${failures} invalid`);
  return failures === 0 ? 0 : 1;
}

function main(argv) {
  if (argv[0] === "--outputs") {
    if (argv.length !== 3) usage("--outputs needs the schemas folder and the folder of captured outputs");
    return checkOutputs(argv[1], argv[2]);
  }
  if (argv[0] === "--table") {
    for (const c of COLLECTIONS) console.log(`${c.name} ${c.dir} ${c.schema} ${c.log ? "log" : "document"}`);
    return 0;
  }
  const undocumented = argv.includes("--undocumented") ? new Map() : null;
  argv = argv.filter((a) => a !== "--undocumented");
  if (argv.length < 2) usage("give the schemas folder and at least one store (or folder of stores)");
  const validators = loadSchemas(argv[0]);
  for (const c of COLLECTIONS)
    if (!validators.has(c.schema)) usage(`${argv[0]} has no ${c.schema} (collection ${c.name})`);
  if (!validators.has("store.schema.json")) usage(`${argv[0]} has no store.schema.json`);

  let failures = 0;
  const counts = new Map();
  const fail = (where, what) => {
    failures++;
    console.log(`${where}: ${what}`);
  };
  const check = (kind, schema, value, where) => {
    counts.set(kind, (counts.get(kind) || 0) + 1);
    const validate = validators.get(schema);
    if (!validate(value)) fail(where, `${kind}: ${describe(validate.errors)}`);
    if (undocumented) {
      const fields = unnamed(validate.root, validate.root, value);
      if (!undocumented.has(kind)) undocumented.set(kind, new Set());
      for (const f of fields) undocumented.get(kind).add(f.replace(/\/[0-9]+(?=\/|$)/g, "/*"));
      if (fields.length) fail(where, `${kind}: ${fields.join(", ")} named by no schema`);
    }
  };
  const parse = (text, where) => {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (e) {
      fail(where, `not JSON: ${e.message}`);
      return { ok: false };
    }
  };

  const stores = argv.slice(1).flatMap((p) => {
    if (!fs.existsSync(p)) usage(`${p} does not exist`);
    const found = findStores(p);
    if (found.length === 0) fail(p, "no store (no store.json) in it");
    return found;
  });
  for (const store of stores) {
    const top = path.join(store, "store.json");
    const doc = parse(fs.readFileSync(top, "utf8"), top);
    if (doc.ok) check("store", "store.schema.json", doc.value, `${top}:1`);
    const known = new Set(["store.json", ...NOT_RECORDS, ...COLLECTIONS.map((c) => c.dir)]);
    for (const e of fs.readdirSync(store, { withFileTypes: true })) {
      // A nested store (a test's second store inside the first) is validated on its own.
      if (e.isDirectory() && fs.existsSync(path.join(store, e.name, "store.json"))) continue;
      if (isLeftoverTemp(e.name)) console.log(`${path.join(store, e.name)}: note: a crash's leftover temporary file`);
      else if (!known.has(e.name)) fail(path.join(store, e.name), "not part of a lever store (no schema describes it)");
    }
    for (const c of COLLECTIONS) {
      const dir = path.join(store, c.dir);
      if (!fs.existsSync(dir)) continue;
      const ext = c.log ? ".ndjson" : ".json";
      for (const name of fs.readdirSync(dir).sort()) {
        const file = path.join(dir, name);
        if (isLeftoverTemp(name)) {
          console.log(`${file}: note: a crash's leftover temporary file`);
          continue;
        }
        if (!name.endsWith(ext) || !fs.statSync(file).isFile()) {
          fail(file, `${c.name}: not a ${ext} file`);
          continue;
        }
        const text = fs.readFileSync(file, "utf8");
        if (!c.log) {
          const d = parse(text, `${file}:1`);
          if (d.ok) check(c.name, c.schema, d.value, `${file}:1`);
          continue;
        }
        // Every record ends in a newline. An unterminated last line is a crash mid-append: never
        // acknowledged, not a record, cut by lever's next append (as `lever store check` says too).
        const lines = text.split("\n");
        const torn = lines.pop();
        if (torn !== "") console.log(`${file}:${lines.length + 1}: note: ${c.name}: unfinished last line, not a record`);
        lines.forEach((line, i) => {
          const r = parse(line, `${file}:${i + 1}`);
          if (r.ok) check(c.name, c.schema, r.value, `${file}:${i + 1}`);
        });
      }
    }
  }
  const seen = [...counts.keys()].sort();
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  for (const [kind, fields] of [...(undocumented || new Map())].sort())
    if (fields.size) console.log(`undocumented ${kind}: ${[...fields].sort().join(" ")}`);
  console.log(`kinds: ${seen.map((k) => `${k}=${counts.get(k)}`).join(" ")}`);
  console.log(`${stores.length} stores, ${total} records checked, ${failures} invalid`);
  return failures === 0 ? 0 : 1;
}

process.exit(main(process.argv.slice(2)));

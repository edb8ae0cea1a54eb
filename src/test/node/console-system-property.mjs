// Sets a system property of the server's configuration through Payara Server's admin console, in a
// real (headless) Chromium, the way an operator does: Configurations > server-config > System
// Properties, edit the row (or Add Property), Save. Saves a screenshot of the page after saving.
// Uses Debian's chromium (a browser cannot be downloaded here), driven by playwright-core.
//   node console-system-property.mjs ADMIN_URL NAME VALUE SCREENSHOT.png PROFILE_DIR
// Run by AdminConsoleServerIT. Exits 0 once the console said "New values successfully saved.".
import { chromium } from "playwright-core";

const [adminUrl, name, value, screenshot, profileDir] = process.argv.slice(2);
if (!profileDir) {
  console.error("usage: node console-system-property.mjs ADMIN_URL NAME VALUE SCREENSHOT.png PROFILE_DIR");
  process.exit(2);
}
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
// The console's JSF ids contain ':' (escaped for CSS). Verified on Payara Server 6.2025.9.
const id = (raw) => "#" + raw.replaceAll(":", "\\:");
const tree = "treeForm:tree:configurations";

// Playwright refuses --user-data-dir in args: the profile is the persistent context's directory.
// The other flags keep Chromium off the network this machine does not have.
const context = await chromium.launchPersistentContext(profileDir, {
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
  viewport: { width: 1400, height: 1000 },
});
context.setDefaultTimeout(120_000);
const page = context.pages()[0] ?? (await context.newPage());
try {
  // The console deploys itself on the first request and logs in by itself when the admin password is empty.
  await page.goto(adminUrl, { timeout: 180_000 });
  await page.locator(id(tree)).waitFor({ timeout: 180_000 });
  // Tree nodes open with their turner (clicking the label does not) and remember being open, so each
  // is clicked only when what it holds is not showing. Pages load by ajax: wait for elements.
  const serverConfig = page.locator(id(`${tree}:server-config:server-config_turner`));
  const sysProps = page.locator(id(`${tree}:server-config:sysProps:sysProps_link`));
  if (!(await serverConfig.isVisible())) {
    await page.locator(id(`${tree}:configurations_turner`)).click();
    await serverConfig.waitFor();
  }
  if (!(await sysProps.isVisible())) {
    await serverConfig.click();
    await sysProps.waitFor();
  }
  await sysProps.click();
  const names = page.locator('input[id^="propertyForm:basicTable:rowGroup1:"][id$=":col2:col1St"]');
  await page.locator(id("propertyForm:basicTable:topActionsGroup1:addSharedTableButton")).waitFor();

  let row = -1;
  for (let i = 0; i < (await names.count()); i++) {
    if ((await names.nth(i).inputValue()) === name) {
      row = Number((await names.nth(i).getAttribute("id")).split(":")[3]);
    }
  }
  if (row < 0) {
    const before = await names.count();
    await page.locator(id("propertyForm:basicTable:topActionsGroup1:addSharedTableButton")).click();
    // The table is re-rendered by ajax: fill only once the new, empty row (put first) is there.
    await page.waitForFunction(
      (n) => document.querySelectorAll('input[id^="propertyForm:basicTable:rowGroup1:"][id$=":col2:col1St"]').length > n,
      before);
    row = 0;
    await page.locator(id(`propertyForm:basicTable:rowGroup1:${row}:col2:col1St`)).fill(name);
    console.log(`added a row for ${name}`);
  } else {
    console.log(`editing the existing row ${row} of ${name}`);
  }
  await page.locator(id(`propertyForm:basicTable:rowGroup1:${row}:col3:col1St`)).fill(value);
  if ((await page.locator(id(`propertyForm:basicTable:rowGroup1:${row}:col2:col1St`)).inputValue()) !== name) {
    throw new Error(`row ${row} does not hold ${name}`);
  }
  await page.locator(id("propertyForm:propertyContentPage:topButtons:saveButton")).click();
  await page.getByText("New values successfully saved.").waitFor();
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`saved ${name}=${value}; screenshot ${screenshot}`);
} catch (e) {
  await page.screenshot({ path: screenshot.replace(/\.png$/, "-failed.png"), fullPage: true }).catch(() => {});
  console.error(e);
  process.exitCode = 1;
} finally {
  await context.close();
}

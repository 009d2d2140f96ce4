// The browser test: Debian's chromium driven by playwright-core (no browser download) against a
// running `dossier serve`. It opens the incidents page, filters by an actor alias, opens an
// incident, clicks a citation marker and reads the cited sentence, opens a victim's page and charts
// its incidents by sector, runs a search, signs in with a
// token, saves a watchlist and reads its Atom feed, merges two incidents, and opens an article
// written to attack the page: no dialog may open and no script error or CSP violation may occur.
// Screenshots go to $OUT. Usage: BASE=http://127.0.0.1:PORT TOKEN=... OUT=dir node browser-test.mjs
import { chromium } from "playwright-core";
import fs from "node:fs";

const base = process.env.BASE;
const token = process.env.TOKEN;
const out = process.env.OUT || "build/browser";
fs.mkdirSync(out, { recursive: true });

const failures = [];
const events = [];
function check(cond, what) {
  if (!cond) failures.push(what);
  console.log(`${cond ? "ok  " : "FAIL"} ${what}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
const page = await context.newPage();
page.on("dialog", async (d) => { events.push(`dialog: ${d.message()}`); await d.dismiss(); });
page.on("pageerror", (e) => events.push(`page error: ${e.message}`));
page.on("console", (m) => { if (m.type() === "error") events.push(`console error: ${m.text()}`); });

try {
  // Incidents, filtered by another vendor's name for APT31.
  await page.goto(base + "/");
  check((await page.locator("table.incidents tbody tr").count()) >= 10, "the incidents page lists the incidents");
  check((await page.locator("#chart canvas, #chart .u-over").count()) > 0, "the chart is drawn");
  await page.screenshot({ path: `${out}/incidents.png`, fullPage: false });
  await page.fill("form.filters input[name=actor]", "Zirconium");
  await page.click("form.filters button[type=submit]");
  const rows = page.locator("table.incidents tbody tr");
  const titles = await rows.allInnerTexts();
  check(titles.length >= 1 && titles.every((t) => t.includes("APT31")), `filtering by the alias Zirconium keeps APT31's incidents (${titles.length})`);

  // An incident, and a citation opened in place.
  await rows.first().locator("a").first().click();
  await page.waitForSelector("#key-points");
  const marker = page.locator("#key-points a.cite").first();
  await marker.click();
  const popover = page.locator("#key-points .popover").first();
  await popover.waitFor({ timeout: 5000 });
  // The box opens at once and is filled when the cited sentence arrives.
  await page.waitForFunction(() => {
    const box = document.querySelector("#key-points .popover");
    return box && box.innerText.trim().length > 0;
  }, null, { timeout: 5000 }).catch(() => {});
  const cited = await popover.innerText();
  check(cited.length > 40 && /\[\d+\]/.test(cited), "a citation marker opens the cited sentence with its source");
  check((await page.locator(".matrix .technique").count()) >= 0, "the technique matrix renders");
  await page.screenshot({ path: `${out}/incident.png`, fullPage: false });

  // A victim's page from the victims index: its incidents, and the chart split by sector.
  await page.goto(base + "/victims");
  await page.locator("main table a").first().click();
  await page.waitForSelector("table.incidents");
  const victimRows = await page.locator("table.incidents tbody tr").count();
  check(victimRows >= 1, `a victim's page lists its incidents (${victimRows})`);
  await page.click("p.chart-by a:has-text('sector')");
  await page.waitForSelector("figcaption:has-text('sectors')");
  check((await page.locator("#chart canvas, #chart .u-over").count()) > 0, "the chart splits the victim's incidents by sector");
  await page.screenshot({ path: `${out}/victim.png` });

  // Search.
  await page.fill("header form.quick input[name=q]", "LockBit");
  await page.press("header form.quick input[name=q]", "Enter");
  await page.waitForSelector("ol.hits");
  check((await page.locator("ol.hits mark").count()) > 0, "search highlights the words found");
  await page.screenshot({ path: `${out}/search.png` });

  // Sign in, save a watchlist, read its Atom feed.
  await page.goto(base + "/login");
  await page.fill("input[name=token]", token);
  await page.click("form[action='/login'] button");
  await page.goto(base + "/?actor=Zirconium");
  await page.fill("form.save input[name=name]", "APT31 in the news");
  await page.click("form.save button");
  await page.waitForSelector("h1:has-text('APT31 in the news')");
  const atomHref = await page.locator("a:has-text('Atom feed')").getAttribute("href");
  const atom = await page.request.get(base + atomHref);
  const atomText = await atom.text();
  check(atom.status() === 200 && atomText.includes("<entry>") && atomText.includes("APT31"), "the watchlist's Atom feed lists its incidents");
  await page.screenshot({ path: `${out}/watchlist.png` });

  // Merge two incidents from the page.
  const list = await (await page.request.get(base + "/api/v1/incidents?limit=500")).json();
  const [a, b] = list.items.slice(-2);
  await page.goto(base + "/incidents/" + a.id);
  const before = await page.locator("#why tbody tr").count();
  await page.fill("form[action$='/merge'] input[name=other]", b.id);
  await page.click("form[action$='/merge'] button");
  await page.waitForSelector("#why");
  const after = await page.locator("#why tbody tr").count();
  check(after === before + b.articles, `merging shows the merged articles at once (${before} + ${b.articles} -> ${after})`);
  await page.screenshot({ path: `${out}/merged.png` });

  // The hostile article and its incident: shown as text, nothing runs.
  const hits = await (await page.request.get(base + "/api/v1/search?q=Widgets")).json();
  const hostile = hits.items.find((h) => h.kind === "article");
  check(!!hostile, "the hostile article is stored");
  await page.goto(base + "/articles/" + hostile.id);
  const text = await page.locator("article.source").innerText();
  check(text.includes("<script>alert('body')</script>") && text.includes("onerror=alert('note')"), "hostile markup is shown as text");
  check((await page.locator("article.source script, article.source img").count()) === 0, "no script or image element came from the article");
  check((await page.locator("a[href^='javascript']").count()) === 0, "no javascript: link");
  if (hostile.incident_id) {
    await page.goto(base + "/incidents/" + hostile.incident_id);
    await page.locator("a.cite").first().click().catch(() => {});
  }
  await page.screenshot({ path: `${out}/hostile.png` });
} catch (e) {
  failures.push(`exception: ${e.message}`);
}
check(events.length === 0, `no dialog, script error or CSP violation (${events.join("; ") || "none"})`);
await browser.close();
if (failures.length) {
  console.error(`browser test failed: ${failures.length} check(s)`);
  process.exit(1);
}
console.log(`browser test passed; screenshots in ${out}`);

// make check-site: the built site, in a real browser.
//
//   node tests/site/check-site.mjs HTML_DIR OUT_DIR
//
// Serves HTML_DIR on 127.0.0.1, opens every page reachable from the main
// page in headless Chromium (Debian's, /usr/bin/chromium) and checks:
// no console error or page error, no failed or off-site request (the site
// must work offline), every image loaded, every link and anchor leads
// somewhere, no empty code listing. Then it types tevent_queue_add into
// the search box and follows the first hit, and saves a screenshot of the
// tutorial page in OUT_DIR. Prints one "ok - NAME" or "not ok - NAME"
// line per check, with "# " lines of detail; exits 1 if any failed.
//
// SPDX-License-Identifier: MIT-0

import { chromium } from 'playwright-core';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const [htmlDir, outDir] = process.argv.slice(2);
if (!htmlDir || !outDir) {
	console.error('usage: check-site.mjs HTML_DIR OUT_DIR');
	process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });

const TYPES = {
	'.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css',
	'.svg': 'image/svg+xml', '.png': 'image/png', '.map': 'text/plain',
};

// A static server for htmlDir; unknown paths answer 404.
const server = http.createServer((req, res) => {
	const url = new URL(req.url, 'http://127.0.0.1');
	const root = path.resolve(htmlDir);
	const file = path.join(root, decodeURIComponent(url.pathname));
	if (!file.startsWith(root) ||
	    !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
		res.writeHead(404);
		res.end();
		return;
	}
	res.writeHead(200, {
		'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
	});
	fs.createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;

let failed = 0;
function report(name, problems) {
	if (problems.length === 0) {
		console.log(`ok - ${name}`);
		return;
	}
	failed += 1;
	console.log(`not ok - ${name}`);
	for (const p of problems.slice(0, 20)) {
		console.log(`# ${p}`);
	}
	if (problems.length > 20) {
		console.log(`# ... and ${problems.length - 20} more`);
	}
}

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu', '--disable-quic',
	       '--no-first-run', '--disable-background-networking',
	       '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });

// Offline: any request to another host is a failure, and is not sent.
const offsite = new Set();
await context.route('**/*', (route) => {
	const url = route.request().url();
	if (url.startsWith(origin) || url.startsWith('data:') ||
	    url.startsWith('about:')) {
		return route.continue();
	}
	offsite.add(url);
	return route.abort();
});

// Crawl from the main page, breadth first, over same-site .html links.
const queue = [`${origin}/index.html`];
const seen = new Set(queue);
const anchors = new Map();	// page url -> Set of ids on it
const links = [];		// [from, to] for every internal link
const pageProblems = new Map();

const crawler = await context.newPage();
let problems = [];
crawler.on('console', (msg) => {
	if (msg.type() === 'error') {
		problems.push(`console error: ${msg.text()}`);
	}
});
crawler.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
crawler.on('response', (res) => {
	if (res.status() >= 400) {
		problems.push(`HTTP ${res.status()}: ${res.url()}`);
	}
});
crawler.on('requestfailed', (req) => {
	// ERR_ABORTED: still loading when the crawler moved on (the
	// navigation tree loads its scripts after "load"); a missing file
	// shows as an HTTP 404 above.
	const why = req.failure() ? req.failure().errorText : '';
	if (!offsite.has(req.url()) && why !== 'net::ERR_ABORTED') {
		problems.push(`request failed (${why}): ${req.url()}`);
	}
});
while (queue.length > 0) {
	const url = queue.shift();
	const page = crawler;
	problems = [];
	await page.goto(url, { waitUntil: 'load' });
	await page.waitForTimeout(50);

	const facts = await page.evaluate(() => {
		// Images that show no pixels yet: a hidden SVG without a size,
		// one that JavaScript added late, or a missing file. The
		// check below fetches each to tell them apart.
		const imgs = [...document.querySelectorAll('img[src]')]
			.filter((i) => !i.complete || i.naturalWidth === 0)
			.map((i) => i.getAttribute('src'));
		const frames = [...document.querySelectorAll('iframe[src$=".svg"]')]
			.map((f) => f.getAttribute('src'));
		const empty = [...document.querySelectorAll('div.fragment, pre.fragment')]
			.filter((f) => f.textContent.trim() === '').length;
		const hrefs = [...document.querySelectorAll('a[href]')]
			.map((a) => a.href);
		const ids = [...document.querySelectorAll('[id], a[name]')]
			.map((e) => e.id || e.getAttribute('name'));
		return { imgs, frames, empty, hrefs, ids };
	});
	for (const src of [...facts.imgs, ...facts.frames]) {
		const r = await page.request.get(new URL(src, url).href);
		if (!r.ok()) {
			problems.push(`image or diagram missing: ${src}`);
		}
	}
	if (facts.empty > 0) {
		problems.push(`${facts.empty} empty code listing(s)`);
	}
	anchors.set(url.split('#')[0], new Set(facts.ids));
	for (const href of facts.hrefs) {
		if (!href.startsWith(origin)) {
			continue;
		}
		links.push([url, href]);
		const target = href.split('#')[0];
		if (target.endsWith('.html') && !seen.has(target)) {
			seen.add(target);
			queue.push(target);
		}
	}
	pageProblems.set(url, problems);
}
await crawler.close();

for (const [url, problems] of pageProblems) {
	report(`page ${url.slice(origin.length + 1)}`, problems);
}

// Every link leads to a file that exists, and to an anchor that exists.
const broken = [];
for (const [from, to] of links) {
	const [target, frag] = to.split('#');
	const file = path.join(htmlDir, decodeURIComponent(new URL(target).pathname));
	if (!fs.existsSync(file)) {
		broken.push(`${from.slice(origin.length + 1)} -> ${to.slice(origin.length + 1)}: no such file`);
		continue;
	}
	if (frag && target.endsWith('.html') && anchors.has(target) &&
	    !anchors.get(target).has(decodeURIComponent(frag))) {
		broken.push(`${from.slice(origin.length + 1)} -> ${to.slice(origin.length + 1)}: no such anchor`);
	}
}
report('links and anchors', [...new Set(broken)]);
report('offline: nothing loaded from another host', [...offsite]);

// Every page Doxygen made from doc/*.dox is reachable from the main page.
const unreachable = [];
for (const dox of fs.readdirSync('doc').filter((f) => f.endsWith('.dox'))) {
	const text = fs.readFileSync(path.join('doc', dox), 'utf8');
	for (const m of text.matchAll(/@page\s+(\w+)/g)) {
		const url = `${origin}/${m[1]}.html`;
		if (!seen.has(url)) {
			unreachable.push(`${m[1]} (doc/${dox})`);
		}
	}
}
report('every page reachable from the main page', unreachable);

// Each function the chapters teach (build/gen/taught.txt, written by
// tests/taught.sh at the site's build) and each queue function: its
// reference entry lists the examples that use it.
{
	const taughtFile = path.join(htmlDir, '..', 'gen', 'taught.txt');
	const taught = new Set(fs.readFileSync(taughtFile, 'utf8').split('\n')
		.filter((l) => l !== ''));
	const missing = [];
	let checked = 0;
	const page = await context.newPage();
	const groups = fs.readdirSync(htmlDir)
		.filter((f) => /^group__.*\.html$/.test(f))
		.map((f) => f.replace(/\.html$/, ''));
	for (const group of groups) {
		await page.goto(`${origin}/${group}.html`);
		const entries = await page.evaluate(() =>
			[...document.querySelectorAll('h2.memtitle')].map((h) => {
				const doc = h.nextElementSibling;
				return {
					name: h.textContent.replace(/[^\w]/g, ''),
					examples: !!(doc && doc.querySelector(
						'dl.section.examples a')),
				};
			}));
		for (const e of entries) {
			if (!taught.has(e.name) &&
			    !/^tevent_(queue_|[gs]et_trace_queue)\w+$/.test(e.name)) {
				continue;
			}
			checked += 1;
			if (!e.examples) {
				missing.push(`${e.name}() (${group}.html)`);
			}
		}
	}
	if (checked < taught.size) {
		missing.push(`only ${checked} of the ${taught.size} taught functions have a reference entry on the group pages`);
	}
	report('reference entries of the taught functions list their examples', missing);
	await page.close();
}

// Search: type a function name into the search box and follow the hit.
{
	const page = await context.newPage();
	const problems = [];
	page.on('console', (msg) => {
		if (msg.type() === 'error') {
			problems.push(`console error: ${msg.text()}`);
		}
	});
	await page.goto(`${origin}/index.html`);
	const box = page.locator('#MSearchField');
	await box.click();
	await box.pressSequentially('tevent_queue_add', { delay: 20 });
	const results = page.frameLocator('#MSearchResults');
	const hit = results.locator('a.SRSymbol', { hasText: /^tevent_queue_add$/ }).first();
	try {
		await hit.waitFor({ timeout: 5000 });
		await hit.click();
		await page.waitForLoadState('load');
		await page.waitForTimeout(200);
		const url = page.url();
		if (!url.includes('group__tevent__queue.html')) {
			problems.push(`the hit led to ${url}`);
		}
		const found = await page.evaluate(() =>
			document.body.textContent.includes('tevent_queue_add'));
		if (!found) {
			problems.push('the page of the hit does not name tevent_queue_add');
		}
	} catch (e) {
		problems.push(`no search hit for tevent_queue_add: ${e.message.split('\n')[0]}`);
	}
	report('search finds tevent_queue_add and its hit leads to it', problems);
	await page.close();
}

// A screenshot of the tutorial page, for people to look at.
{
	const page = await context.newPage();
	await page.goto(`${origin}/tevent_queue_tutorial.html`);
	// The theme scrolls the content inside #doc-content, not the page:
	// make the window as tall as the content to catch all of it.
	const height = await page.evaluate(() => {
		const c = document.getElementById('doc-content');
		return Math.max(c ? c.scrollHeight : 0, document.body.scrollHeight);
	});
	await page.setViewportSize({ width: 1300, height: Math.min(height + 100, 32000) });
	await page.waitForTimeout(300);
	await page.screenshot({ path: path.join(outDir, 'tevent_queue_tutorial.png'), fullPage: true });
	console.log(`# screenshot: ${path.join(outDir, 'tevent_queue_tutorial.png')}`);
	await page.close();
}

await browser.close();
server.close();
console.log(`# ${seen.size} pages opened`);
process.exit(failed > 0 ? 1 : 0);

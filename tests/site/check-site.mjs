// make check-site: the built site, read as files and in a real browser.
//
//   node tests/site/check-site.mjs HTML_DIR OUT_DIR
//
// Every page reachable from the main page is read as a file: every link
// and anchor leads somewhere, every image, script and style sheet is a
// file of the site (it must work offline), no code listing is empty, and
// every page that doc/*.dox makes is reachable. The reference entry of
// every function the chapters teach (HTML_DIR/../gen/taught.txt) and of
// every queue function lists its examples.
//
// Then HTML_DIR is served on 127.0.0.1 and headless Chromium (Debian's,
// /usr/bin/chromium) opens a page of each kind (the main page, every
// chapter page, the tutorial, the reference and the generated pages, an
// example): no console error or page error, no failed request and none to
// another host, every image shown. It types tevent_queue_add into the
// search box and follows the first hit, and saves a screenshot of the
// tutorial page in OUT_DIR. (Opening every page in the browser took most
// of the test suite's time, and the pages of one kind run the same
// scripts.)
//
// Prints one "ok - NAME" or "not ok - NAME" line per check, with "# "
// lines of detail; exits 1 if any failed.
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

// ---- every page, as a file ---------------------------------------------

const read = (file) => fs.readFileSync(path.join(htmlDir, file), 'utf8');
const decode = (s) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"');

// The attributes of one kind in a page's text.
function attrs(text, tag, attr) {
	const re = new RegExp(`<${tag}\\b[^>]*\\s${attr}="([^"]*)"`, 'gi');
	return [...text.matchAll(re)].map((m) => decode(m[1]));
}

const pages = new Map();	// file -> text
const ids = new Map();		// file -> Set of ids
const queue = ['index.html'];
const seen = new Set(queue);
const linkProblems = [];
const loadProblems = [];
const emptyListings = [];
while (queue.length > 0) {
	const file = queue.shift();
	if (!fs.existsSync(path.join(htmlDir, file))) {
		continue;	// reported with the links below
	}
	const text = read(file);
	pages.set(file, text);
	ids.set(file, new Set([
		...[...text.matchAll(/\sid="([^"]*)"/g)].map((m) => decode(m[1])),
		...[...text.matchAll(/<a\s[^>]*name="([^"]*)"/g)].map((m) => decode(m[1])),
	]));
	// What a page loads must be a file of the site.
	for (const src of [...attrs(text, 'img', 'src'), ...attrs(text, 'script', 'src'),
			   ...attrs(text, 'iframe', 'src'), ...attrs(text, 'object', 'data'),
			   ...attrs(text, 'link', 'href')]) {
		if (/^(data|about|javascript):/.test(src)) {
			continue;
		}
		if (/^[a-z]+:/i.test(src) || src.startsWith('//')) {
			loadProblems.push(`${file} loads ${src} from another host`);
		} else if (!fs.existsSync(path.join(htmlDir, src.split(/[?#]/)[0]))) {
			loadProblems.push(`${file} loads ${src}: no such file`);
		}
	}
	// A code listing with no text in it.
	for (const m of text.matchAll(/<div class="fragment">([\s\S]*?)<\/div><!-- fragment -->/g)) {
		if (m[1].replace(/<[^>]*>/g, '').trim() === '') {
			emptyListings.push(file);
		}
	}
	for (const href of attrs(text, 'a', 'href')) {
		if (/^[a-z]+:/i.test(href) || href.startsWith('//') || href.startsWith('javascript')) {
			continue;	// another site: a link, nothing loaded
		}
		const [target] = href.split('#');
		if (target === '') {
			continue;
		}
		if (target.endsWith('.html') && !seen.has(target)) {
			seen.add(target);
			queue.push(target);
		}
	}
}
for (const [file, text] of pages) {
	for (const href of attrs(text, 'a', 'href')) {
		if (/^[a-z]+:/i.test(href) || href.startsWith('//') || href.startsWith('javascript')) {
			continue;
		}
		const [target, frag] = href.split('#');
		const to = target === '' ? file : target;
		if (!fs.existsSync(path.join(htmlDir, to))) {
			linkProblems.push(`${file} -> ${href}: no such file`);
		} else if (frag && ids.has(to) && !ids.get(to).has(frag)) {
			linkProblems.push(`${file} -> ${href}: no such anchor`);
		}
	}
}
report(`links and anchors of the ${pages.size} pages reachable from the main page`,
       [...new Set(linkProblems)]);
report('offline: every image, script and style sheet is a file of the site',
       [...new Set(loadProblems)]);
report('no empty code listing', emptyListings);

// Every page Doxygen made from doc/*.dox is reachable from the main page.
{
	const unreachable = [];
	for (const dox of fs.readdirSync('doc').filter((f) => f.endsWith('.dox'))) {
		const text = fs.readFileSync(path.join('doc', dox), 'utf8');
		for (const m of text.matchAll(/@page\s+(\w+)/g)) {
			if (!seen.has(`${m[1]}.html`)) {
				unreachable.push(`${m[1]} (doc/${dox})`);
			}
		}
	}
	report('every page reachable from the main page', unreachable);
}

// Each function the chapters teach (written by tests/taught.sh at the
// site's build) and each queue function: its reference entry, on any
// group page, lists the examples that use it.
{
	const taught = new Set(fs.readFileSync(path.join(htmlDir, '..', 'gen', 'taught.txt'),
					       'utf8').split('\n').filter((l) => l !== ''));
	const found = new Set();
	const missing = [];
	for (const file of fs.readdirSync(htmlDir).filter((f) => /^group__.*\.html$/.test(f))) {
		// each entry: its title, then its documentation, up to the next
		const parts = read(file).split('<h2 class="memtitle">').slice(1);
		for (const part of parts) {
			const name = part.slice(0, part.indexOf('</h2>'))
				.replace(/<[^>]*>/g, '').replace(/&[#\w]+;/g, '')
				.replace(/[^\w]/g, '');
			if (!taught.has(name) &&
			    !/^tevent_(queue_|[gs]et_trace_queue)\w+$/.test(name)) {
				continue;
			}
			found.add(name);
			if (!/<dl class="section examples">[\s\S]*?<a /.test(part)) {
				missing.push(`${name}() (${file})`);
			}
		}
	}
	for (const name of taught) {
		if (!found.has(name)) {
			missing.push(`${name}() has no reference entry on a group page`);
		}
	}
	report(`reference entries of the ${taught.size} taught functions list their examples`,
	       missing);
}

// ---- pages of each kind, in a browser ----------------------------------

const TYPES = {
	'.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css',
	'.svg': 'image/svg+xml', '.png': 'image/png', '.map': 'text/plain',
	'.txt': 'text/plain',
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

// A page of each kind: the main page, the chapters, the tutorial, the
// generated pages, a reference group, an example's page.
const sample = ['index.html', 'tevent_queue_tutorial.html', 'claim_tests.html',
		'claims.html', 'queue_compat.html', 'performance.html',
		'header_audit.html', 'api_reference.html', 'queue_testing.html',
		'pitfalls_all.html', 'debugging.html', 'group__tevent__queue.html',
		'queue_serialized_8c-example.html', 'exercises.html',
		...[...seen].filter((f) => f.startsWith('chapter_')).sort()];
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
for (const file of sample) {
	problems = [];
	if (!seen.has(file)) {
		report(`page ${file} in a browser`, ['not reachable from the main page']);
		continue;
	}
	await crawler.goto(`${origin}/${file}`, { waitUntil: 'load' });
	await crawler.waitForTimeout(50);
	// Images that show no pixels: a missing file, or an SVG that did not
	// load.
	const blank = await crawler.evaluate(() =>
		[...document.querySelectorAll('img[src]')]
			.filter((i) => i.complete && i.naturalWidth === 0)
			.map((i) => i.getAttribute('src')));
	for (const src of blank) {
		const r = await crawler.request.get(new URL(src, `${origin}/${file}`).href);
		if (!r.ok()) {
			problems.push(`image or diagram missing: ${src}`);
		}
	}
	report(`page ${file} in a browser`, problems);
}
await crawler.close();
report('offline: nothing loaded from another host', [...offsite]);

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

// Every exercise's page: its link "show the solution" loads the tested
// solution, tests/exercises/NAME/solution.c, as it is; and the page
// does not show it (no more than two of the lines that the solution
// has and the start file has not, such as a declaration).
{
	const page = await context.newPage();
	const problems = [];
	const names = [...seen].filter((f) => /^exercise_.*\.html$/.test(f)).sort();
	for (const file of names) {
		const name = file.replace(/^exercise_(.*)\.html$/, '$1');
		const want = fs.readFileSync(`tests/exercises/${name}/solution.c`, 'utf8');
		await page.goto(`${origin}/${file}`);
		const shown = await page.evaluate(() => document.body.innerText);
		const link = page.getByRole('link', { name: 'show the solution' });
		if (await link.count() !== 1) {
			problems.push(`${file}: ${await link.count()} links "show the solution"`);
			continue;
		}
		// a line of the solution that the start file does not have
		// (compared without their indentation; each counted once)
		const start = new Set(fs.readFileSync(`exercises/${name}/start.c`, 'utf8')
			.split('\n').map((l) => l.trim()));
		const own = [...new Set(want.split('\n').map((l) => l.trim()))]
			.filter((l) => l.length > 20 && !start.has(l));
		const leaked = own.filter((l) => shown.includes(l));
		if (leaked.length > 2) {
			problems.push(`${file} shows ${leaked.length} lines of the solution, such as: ${leaked[0]}`);
		}
		await link.click();
		await page.waitForLoadState('load');
		const got = await page.evaluate(() => document.body.innerText);
		if (got.trimEnd() !== want.trimEnd()) {
			problems.push(`${file}: the link loads ${page.url()}, not tests/exercises/${name}/solution.c`);
		}
	}
	if (names.length === 0) {
		problems.push('no page exercise_*.html reachable from the main page');
	}
	report(`the ${names.length} exercise pages link to their tested solutions`, problems);
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
console.log(`# ${pages.size} pages read, ${sample.length} opened in the browser`);
process.exit(failed > 0 ? 1 : 0);

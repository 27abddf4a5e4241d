// Opens a report in Debian's Chromium, headless, as a reader would, and prints one JSON object:
//   errors    script errors and console errors (the page has no script: any is a defect)
//   svgs      every SVG's rendered width and height, and how many of its lines drew (an empty box is a chart that did not)
//   clipped   text labels that stick out of their SVG (a cut-off tick, title or legend)
// and writes a full-page screenshot. Usage: node check_report.mjs REPORT_HTML SCREENSHOT_PNG
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';

const [report, screenshot] = process.argv.slice(2);
if (!report || !screenshot) {
  console.error('usage: node check_report.mjs REPORT_HTML SCREENSHOT_PNG');
  process.exit(2);
}

// The flags the machine needs: no sandbox as root, and no background traffic on a closed network.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors = [];
  page.on('pageerror', e => errors.push(`pageerror: ${e.message}`));
  page.on('console', m => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('requestfailed', r => errors.push(`request failed: ${r.url()}`));
  await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
  const result = await page.evaluate(() => {
    const svgs = [...document.querySelectorAll('svg')].map(svg => {
      const box = svg.getBoundingClientRect();
      const view = svg.viewBox.baseVal;
      const clipped = [...svg.querySelectorAll('text')]
        .map(t => ({ text: t.textContent, b: t.getBBox(), ctm: t.getCTM() }))
        .filter(({ b, ctm }) => {
          // The label's corners in the SVG's own coordinates (rotated axis titles included).
          const points = [[b.x, b.y], [b.x + b.width, b.y + b.height]]
            .map(([x, y]) => new DOMPoint(x, y).matrixTransform(ctm));
          return points.some(p => p.x < -0.5 || p.y < -0.5 || p.x > view.width + 0.5 || p.y > view.height + 0.5);
        })
        .map(({ text }) => text);
      const drawn = [...svg.querySelectorAll('polyline')].filter(l => { const b = l.getBBox(); return b.width > 0; }).length;
      return { width: box.width, height: box.height, drawn, clipped };
    });
    return { svgs: svgs.map(s => ({ width: s.width, height: s.height, drawn: s.drawn })), clipped: svgs.flatMap(s => s.clipped) };
  });
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({ errors, ...result }));
} finally {
  await browser.close();
}

"""The report's style sheet: a light page for the screen, and A4/Letter pages for print."""

from __future__ import annotations

#: Fill of the status banner per plan status (light tints, readable in print).
STATUS_COLOURS = {
    "optimal": ("#e8f5ee", "#009E73"),
    "feasible": ("#fff6e0", "#E69F00"),
    "infeasible": ("#fdeae2", "#D55E00"),
    "not_solved": ("#fdeae2", "#D55E00"),
}

CSS = """
:root { --ink: #1d2330; --muted: #5b6472; --line: #d9dde3; --soft: #f5f7fa; --accent: #0072B2; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; padding: 24px 32px 48px; max-width: 1180px; color: var(--ink);
  background: #ffffff; font: 14px/1.45 Helvetica, Arial, sans-serif; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 6px; }
p { margin: 6px 0; }
.meta, .lead, .muted, figcaption { color: var(--muted); }
.lead { max-width: 80ch; }
.banner { margin: 16px 0; padding: 10px 14px; border-left: 6px solid; border-radius: 4px; }
.banner strong { font-size: 16px; }
.cards { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; background: var(--soft); }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
.card .figure { font-size: 24px; font-weight: bold; margin: 2px 0; }
.card .detail { color: var(--muted); font-size: 12px; }
.meter { height: 8px; background: #e3e7ec; border-radius: 4px; overflow: hidden; margin-top: 6px; }
.meter span { display: block; height: 100%; background: var(--accent); }
.meter.over span { background: #D55E00; }
ul.notes { margin: 6px 0; padding-left: 20px; }
figure.chart { margin: 12px 0 20px; }
.keep { break-inside: avoid; page-break-inside: avoid; }
.pmo-chart { width: 100%; overflow-x: auto; }
.pmo-chart .vega-embed { display: block !important; }
.pmo-chart svg { max-width: 100%; height: auto; }
.chart-error { color: #D55E00; font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 12.5px; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; text-align: left; }
thead th { background: var(--soft); border-bottom: 2px solid var(--line); white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) td { background: #fafbfc; }
table.kv, table.compact { width: auto; min-width: 50%; }
.wide { overflow-x: auto; }
.wide table { width: auto; min-width: 50%; }
table.kv th { background: none; border-bottom: 1px solid var(--line); font-weight: normal; color: var(--muted); }
.explain { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; margin: 10px 0;
  break-inside: avoid; page-break-inside: avoid; }
.explain h3 { margin: 0 0 4px; }
.explain p { font-size: 13px; }
.tag { display: inline-block; padding: 0 6px; border-radius: 3px; background: #e3e7ec; font-size: 12px; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line);
  padding-top: 8px; }
@media (max-width: 800px) { .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
@page { margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; page-break-after: avoid; }
  section.page { break-before: page; page-break-before: always; }
  .cards { grid-template-columns: repeat(4, minmax(0, 1fr)); }
  .pmo-chart, .wide { overflow: visible; }
  .pmo-chart svg { max-width: 100% !important; max-height: 235mm; width: auto; height: auto; }
  table { font-size: 8.5pt; }
  thead { display: table-header-group; }
  tr, .card { break-inside: avoid; page-break-inside: avoid; }
  #vg-tooltip-element, .vg-tooltip { display: none !important; }
}
"""

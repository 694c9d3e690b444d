/** The benchmark's human-readable outputs: a Markdown report and an SVG chart of render time against users. */
import type { BenchResults } from "../bench";

/** Markdown tables of every figure (what the README quotes). */
export function renderMarkdown(r: BenchResults): string {
  const lines = [
    "Medians of the runs; the × columns are medians of each run's ratio to the floor run beside it.",
    "",
    "| users | objects | objects/user | resources | render s | floor s | × floor time | render MiB | floor MiB | × floor RSS |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  r.render.forEach((row, i) => {
    const floor = r.floor[i]!;
    lines.push(
      `| ${row.users} | ${row.objects} | ${(row.objects / row.users).toFixed(1)} | ${row.resources} | ${row.seconds.toFixed(2)} | ${floor.seconds.toFixed(2)} | ${row.timesFloorTime.toFixed(2)} | ${row.peakRssMiB} | ${floor.peakRssMiB} | ${row.timesFloorRss.toFixed(2)} |`,
    );
  });
  if (r.render.length >= 2) {
    const [a, b] = [r.render[r.render.length - 2]!, r.render[r.render.length - 1]!];
    lines.push(
      "",
      `Rendering ${b.users} users costs ${(b.seconds / a.seconds).toFixed(2)}× rendering ${a.users} (${(b.users / a.users).toFixed(0)}× the users); ` +
        `each user adds ${((b.objects - a.objects) / (b.users - a.users)).toFixed(1)} Kubernetes objects.`,
    );
  }
  const p = r.policy;
  lines.push(
    "",
    "objectsPerSecond" in p
      ? `Policy checker: ${p.objects} objects in ${p.seconds.toFixed(2)} s = ${p.objectsPerSecond} objects/s, ${p.timesFasterThanRender}× faster than rendering them.`
      : `Policy checker: ${p.skipped}.`,
  );
  lines.push("", "| platform (no workspaces) | CPU requested | memory requested | CPU limits | memory limits |", "|---|---:|---:|---:|---:|");
  for (const [stack, f] of Object.entries(r.footprint)) {
    lines.push(`| ${stack} | ${f.cpuRequestCores} | ${f.memoryRequestMiB} MiB | ${f.cpuLimitCores} | ${f.memoryLimitMiB} MiB |`);
  }
  const n = r.workspacesPerNode.node;
  lines.push("", `| tier | workspaces per ${n.cpu}-CPU / ${n.memory} node, by requests | by limits (no overcommit) |`, "|---|---:|---:|");
  for (const [tier, w] of Object.entries(r.workspacesPerNode.tiers)) lines.push(`| ${tier} | ${w.byRequests} | ${w.byLimits} |`);
  return lines.join("\n") + "\n";
}

/** A small line chart: render and floor seconds against users (log-scaled x when sizes span decades). */
export function renderChart(r: BenchResults): string {
  const W = 640, H = 360, L = 60, B = 40, T = 30, R = 20;
  const xs = r.render.map((p) => p.users);
  const ys = [...r.render.map((p) => p.seconds), ...r.floor.map((p) => p.seconds)];
  const logX = xs.length > 1 && Math.max(...xs) / Math.min(...xs) >= 10;
  const fx = (v: number) => (logX ? Math.log10(v) : v);
  const [x0, x1] = [Math.min(...xs.map(fx)), Math.max(...xs.map(fx))];
  const yMax = Math.max(...ys, 1) * 1.1;
  const px = (v: number) => L + ((fx(v) - x0) / (x1 - x0 || 1)) * (W - L - R);
  const py = (v: number) => H - B - (v / yMax) * (H - B - T);
  const line = (points: [number, number][], color: string) =>
    `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(" ")}"/>` +
    points.map(([x, y]) => `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${color}"/>`).join("");
  const ticks = xs.map((x) => `<text x="${px(x).toFixed(1)}" y="${H - B + 18}" text-anchor="middle" font-size="12">${x}</text>`).join("");
  const yTicks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => `<text x="${L - 8}" y="${py(f * yMax).toFixed(1)}" text-anchor="end" font-size="12" dominant-baseline="middle">${(f * yMax).toFixed(1)}</text>`)
    .join("");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="14">Offline render of the prod stack: seconds by users</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
    ticks,
    yTicks,
    line(r.render.map((p) => [p.users, p.seconds]), "#1f77b4"),
    line(r.floor.map((p, i) => [r.render[i]!.users, p.seconds]), "#ff7f0e"),
    `<text x="${L + 10}" y="${T + 12}" font-size="12" fill="#1f77b4">render</text>`,
    `<text x="${L + 10}" y="${T + 28}" font-size="12" fill="#ff7f0e">floor (bare Pulumi, same resource count)</text>`,
    `<text x="${W / 2}" y="${H - 6}" text-anchor="middle" font-size="12">users${logX ? " (log scale)" : ""}</text>`,
    `</svg>`,
  ].join("\n");
}

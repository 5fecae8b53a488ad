/// The HTML report's one stylesheet and one script (allowed by hash in its CSP). The script reads
/// the JSON data block and builds the page with DOM calls only: `textContent` for every string,
/// SVG elements for the layer stacks, CSSOM for sizes; no `innerHTML`, no network.
enum HTMLReportPage {
    static let style = """
        :root{--critical:#8b0000;--high:#c0392b;--medium:#b9770e;--low:#2471a3;--muted:#666;--line:#ddd}
        body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
        header{padding:12px 24px;background:#1f2d3d;color:#fff}header h1{margin:0;font-size:20px}
        header p{margin:4px 0 0}main{padding:12px 24px}
        details.image{background:#fff;border:1px solid var(--line);border-radius:6px;margin:0 0 12px;padding:8px 12px}
        details.image summary{cursor:pointer;font-weight:600}
        .incomplete{color:var(--high);font-weight:600}
        svg.stack{display:block;margin-top:8px;max-width:100%}
        svg text{font:12px system-ui,sans-serif;fill:#222}svg text.muted{fill:var(--muted)}
        rect.bar{fill:#aebfd1}rect.bar.hit{fill:#7f97b2}
        circle.critical{fill:var(--critical)}circle.high{fill:var(--high)}
        circle.medium{fill:var(--medium)}circle.low{fill:var(--low)}
        line.strike{stroke:#000;stroke-width:2}path.arrow{fill:none;stroke:#000;stroke-width:1.2}
        .controls{display:flex;gap:8px;align-items:center;margin:16px 0 8px}
        .controls input{flex:1;padding:4px 8px}
        table{border-collapse:collapse;width:100%;background:#fff}
        th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
        th{cursor:pointer;user-select:none;background:#eef2f6;position:sticky;top:0}
        th.asc::after{content:" \\25B2"}th.desc::after{content:" \\25BC"}
        td.sev{font-weight:600;text-transform:uppercase}td.critical,td.high{color:var(--high)}
        td.medium{color:var(--medium)}td.low{color:var(--low)}
        td.place{overflow-wrap:anywhere;font-family:ui-monospace,monospace}td.secret{white-space:nowrap}
        p.legend{color:var(--muted);font-size:12px;margin:4px 0 0}
        td.removed{text-decoration:line-through}
        td.fix{color:var(--muted);font-size:12px}
        #pages{margin:8px 0}#pages button{margin-right:4px}
        """

    static let script = """
        "use strict";
        (function () {
          const data = JSON.parse(document.getElementById("data").textContent);
          const SVG = "http://www.w3.org/2000/svg";
          const PAGE = 100;
          const order = {critical: 0, high: 1, medium: 2, low: 3};
          function el(name, text, cls) {
            const e = document.createElement(name);
            if (text !== undefined && text !== null) e.textContent = String(text);
            if (cls) e.className = cls;
            return e;
          }
          function svg(name, attrs, text) {
            const e = document.createElementNS(SVG, name);
            for (const k in attrs) e.setAttribute(k, attrs[k]);
            if (text !== undefined) e.textContent = text;
            return e;
          }
          function bytes(n) {
            const units = ["B", "kB", "MB", "GB", "TB"];
            let i = 0;
            while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
            return (i ? n.toFixed(1) : n) + " " + units[i];
          }
          function short(text, max) { return text.length > max ? text.slice(0, max - 1) + "\\u2026" : text; }

          const summary = document.getElementById("summary");
          summary.textContent = data.summary;
          document.body.dataset.findings = data.findings;
          document.body.dataset.locations = data.rows.length;

          // Layer stacks: base layer at the bottom, a bar per layer sized by its bytes.
          const images = document.getElementById("images");
          data.images.forEach(function (image, imageIndex) {
            const box = el("details", null, "image");
            box.open = imageIndex < 20;
            box.dataset.image = image.name;
            const title = el("summary", image.name + (image.platform ? "  " + image.platform : "") +
              "  (" + image.layers.length + " layers)");
            if (!image.complete) title.appendChild(el("span", "  INCOMPLETE", "incomplete"));
            box.appendChild(title);
            const rows = data.rows.filter(function (r) {
              return r.image === image.name && r.platform === image.platform &&
                r.layer !== null && r.layer !== undefined;
            });
            const n = image.layers.length, rowH = 30, labelW = 380, barW = 360, markW = 300;
            const width = labelW + barW + markW, height = n * rowH + 10;
            const stack = svg("svg", {class: "stack", width: width, height: height,
              viewBox: "0 0 " + width + " " + height,
              role: "img", "aria-label": "layer stack of " + image.name});
            const defs = svg("defs", {});
            const head = svg("marker", {id: "arrow" + imageIndex, viewBox: "0 0 10 10", refX: 9, refY: 5,
              markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse"});
            head.appendChild(svg("path", {d: "M 0 0 L 10 5 L 0 10 z"}));
            defs.appendChild(head);
            stack.appendChild(defs);
            const largest = Math.max(1, Math.max.apply(null, image.layers.map(function (l) { return l.bytes; })));
            const y = function (index) { return (n - 1 - index) * rowH + 5; };
            image.layers.forEach(function (layer) {
              const top = y(layer.index);
              const here = rows.filter(function (r) { return r.layer === layer.index; });
              const g = svg("g", {class: "layer", "data-layer": layer.index, "data-findings": here.length});
              const label = "L" + (layer.index + 1) + "  " + short(layer.instruction.replace(/\\s+/g, " "), 52);
              const text = svg("text", {x: 0, y: top + 18}, label);
              text.appendChild(svg("title", {}, layer.instruction));
              g.appendChild(text);
              const w = Math.max(3, Math.round((barW - 70) * Math.sqrt(layer.bytes / largest)));
              const bar = svg("rect", {class: "bar" + (here.length ? " hit" : ""), x: labelW, y: top + 4, width: w,
                height: rowH - 8, rx: 3});
              bar.appendChild(svg("title", {}, bytes(layer.bytes) + (layer.digest ? "  " + layer.digest : "")));
              g.appendChild(bar);
              g.appendChild(svg("text", {class: "muted", x: labelW + w + 6, y: top + 18}, bytes(layer.bytes)));
              here.slice(0, 16).forEach(function (r, k) {
                const cx = labelW + barW + 14 + k * 16, cy = top + rowH / 2;
                const dot = svg("circle", {class: r.severity, cx: cx, cy: cy, r: 6, "data-status": r.status});
                dot.appendChild(svg("title", {}, r.rule + "  " + r.place + "  " + r.status));
                g.appendChild(dot);
                if (r.changedBy !== null && r.changedBy !== undefined) {
                  g.appendChild(svg("line", {class: "strike", x1: cx - 8, y1: cy + 6, x2: cx + 8, y2: cy - 6}));
                  if (r.changedBy !== layer.index) {
                    const ty = y(r.changedBy) + rowH / 2, bend = cx + 30 + k % 4 * 6;
                    g.appendChild(svg("path", {class: "arrow", d: "M " + (cx + 7) + " " + cy + " C " + bend + " " + cy +
                      ", " + bend + " " + ty + ", " + (labelW + barW + 4) + " " + ty,
                      "marker-end": "url(#arrow" + imageIndex + ")"}));
                  }
                }
              });
              if (here.length > 16) {
                g.appendChild(svg("text", {x: labelW + barW + 14 + 16 * 16, y: top + 18}, "+" + (here.length - 16)));
              }
              stack.appendChild(g);
            });
            box.appendChild(stack);
            box.appendChild(el("p", "Base layer at the bottom; bar length grows with the layer's bytes. A dot is a " +
              "secret in that layer (colour: severity); a struck dot was deleted, hidden or overwritten later, " +
              "the arrow pointing at the layer that did it: its bytes still ship in the image.", "legend"));
            images.appendChild(box);
          });

          // The table: every location, sortable by any column, filtered, a page at a time.
          const columns = [
            ["severity", "Severity"], ["rule", "Rule"], ["secret", "Secret"], ["image", "Image"],
            ["layer", "Layer"], ["place", "Path or field"], ["line", "Line"], ["status", "Status"],
            ["dockerfile", "Dockerfile"], ["fix", "Fix"]
          ];
          const headRow = document.querySelector("#table thead tr");
          const body = document.querySelector("#table tbody");
          const pages = document.getElementById("pages");
          const shown = document.getElementById("shown");
          let sortKey = "severity", sortDir = 1, page = 0, view = data.rows;
          function value(row, key) {
            if (key === "severity") return order[row.severity];
            const v = row[key];
            return v === null || v === undefined ? "" : v;
          }
          function apply() {
            const text = document.getElementById("filter").value.toLowerCase();
            const severity = document.getElementById("severity").value;
            const status = document.getElementById("status").value;
            view = data.rows.filter(function (r) {
              if (severity && r.severity !== severity) return false;
              if (status && r.status !== status) return false;
              if (!text) return true;
              return [r.rule, r.name, r.image, r.place, r.status, r.fix, r.dockerfile || ""].join(" ")
                .toLowerCase().indexOf(text) >= 0;
            });
            view.sort(function (a, b) {
              const x = value(a, sortKey), y = value(b, sortKey);
              if (x < y) return -sortDir;
              if (x > y) return sortDir;
              return a.finding - b.finding;
            });
            page = 0;
            draw();
          }
          function draw() {
            body.replaceChildren();
            view.slice(page * PAGE, page * PAGE + PAGE).forEach(function (r) {
              const tr = el("tr");
              tr.dataset.finding = r.finding;
              tr.appendChild(el("td", r.severity, "sev " + r.severity));
              const rule = el("td", r.rule);
              rule.title = r.name + " (" + r.confidence + " confidence)";
              tr.appendChild(rule);
              tr.appendChild(el("td", r.secret, "place secret"));
              tr.appendChild(el("td", r.image + (r.platform ? " " + r.platform : "")));
              tr.appendChild(el("td", r.layer === null || r.layer === undefined ? "" : r.layer + 1));
              const removed = r.changedBy !== null && r.changedBy !== undefined;
              tr.appendChild(el("td", r.place, "place" + (removed ? " removed" : "")));
              tr.appendChild(el("td", r.line));
              tr.appendChild(el("td", removed ? r.status + " in layer " + (r.changedBy + 1) : r.status));
              tr.appendChild(el("td", r.dockerfile));
              tr.appendChild(el("td", r.fix, "fix"));
              body.appendChild(tr);
            });
            const count = Math.ceil(view.length / PAGE);
            pages.replaceChildren();
            for (let p = 0; p < count && count > 1; p++) {
              if (count > 12 && p > 2 && p < count - 3 && Math.abs(p - page) > 2) {
                if (pages.lastChild && pages.lastChild.textContent !== "\\u2026") {
                  pages.appendChild(el("span", "\\u2026"));
                }
                continue;
              }
              const b = el("button", p + 1);
              b.disabled = p === page;
              b.addEventListener("click", function () { page = p; draw(); });
              pages.appendChild(b);
            }
            shown.textContent = view.length + " of " + data.rows.length + " locations";
            document.body.dataset.rendered = "true";
          }
          columns.forEach(function (c) {
            const th = el("th", c[1]);
            th.dataset.key = c[0];
            th.addEventListener("click", function () {
              sortDir = sortKey === c[0] ? -sortDir : 1;
              sortKey = c[0];
              headRow.querySelectorAll("th").forEach(function (h) { h.className = ""; });
              th.className = sortDir > 0 ? "asc" : "desc";
              apply();
            });
            headRow.appendChild(th);
          });
          ["filter", "severity", "status"].forEach(function (id) {
            document.getElementById(id).addEventListener("input", apply);
          });
          apply();
        })();
        """
}

// The room's current state on every server, side by side: a row per state key (keyed
// join), a column per server, the rows where servers disagree highlighted, and in each
// server's header a badge when its state differs from another's and a "why?" button that
// asks the resolver to explain it.

import { select } from "d3";
import type { StateRow, StateTable } from "../model/state-table.ts";

export interface StateTableCallbacks {
  explain(server: string): void;
}

export class StateTableView {
  private readonly table;
  /** What was drawn last: the table changes only when some server's state does. */
  private drawn = "";

  constructor(
    container: HTMLElement,
    private readonly callbacks: StateTableCallbacks,
  ) {
    this.table = select(container).append("table").attr("class", "state-table").attr("data-testid", "state-table");
    this.table.append("thead").append("tr");
    this.table.append("tbody");
  }

  update(t: StateTable): void {
    const sig = `${t.room}|${t.servers.join(",")}|${t.rows.map((r) => `${r.key}=${t.servers.map((s) => r.cells[s]?.eventId ?? "").join(",")}`).join(";")}`;
    if (sig === this.drawn) return;
    this.drawn = sig;
    const head = this.table.select("thead tr");
    head
      .selectAll<HTMLTableCellElement, string>("th")
      .data(["", ...t.servers], (d) => d || "key")
      .join((enter) => {
        const th = enter.append("th");
        th.filter((d) => d !== "").each((server, i, els) => {
          const cell = select(els[i]!);
          cell.append("span").attr("class", "th-name").text(server);
          cell
            .append("span")
            .attr("class", "badge divergent-badge")
            .attr("data-testid", `state-divergent-${server}`)
            .text("≠");
          cell
            .append("button")
            .attr("class", "why")
            .attr("data-testid", `explain-${server}`)
            .attr("title", `explain ${server}'s state: state resolution over its forward extremities`)
            .text("why?")
            .on("click", () => this.callbacks.explain(server));
        });
        th.filter((d) => d === "").text("state key");
        return th;
      })
      .select(".divergent-badge")
      .attr("hidden", (server) => ((t.divergent[server] ?? []).length ? null : ""))
      .attr("title", (server) => `differs from ${(t.divergent[server] ?? []).join(", ")}`);

    const rows = this.table
      .select("tbody")
      .selectAll<HTMLTableRowElement, StateRow>("tr")
      .data(t.rows, (r) => r.key)
      .join((enter) => {
        const tr = enter.append("tr");
        tr.append("th").attr("class", "key");
        return tr;
      })
      .attr("data-key", (r) => r.key)
      .classed("disagree", (r) => r.disagree);
    rows.select("th.key").text((r) => r.label);
    rows
      .selectAll<HTMLTableCellElement, { server: string; row: StateRow }>("td")
      .data(
        (r) => t.servers.map((server) => ({ server, row: r })),
        (d) => d.server,
      )
      .join("td")
      .attr("data-server", (d) => d.server)
      .attr("title", (d) => d.row.cells[d.server]?.eventId ?? "not in this server's state")
      .text((d) => d.row.cells[d.server]?.text ?? "—");
  }
}

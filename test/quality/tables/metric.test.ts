/** @module Unit tests of the table-quality metric on hand-made tables. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { TableBlock } from "../../../src/ingest/types.js";
import {
  cellTexts,
  combineScores,
  loadGroundTruthTables,
  normalizeCell,
  parseGroundTruthTables,
  prf,
  scoreTables,
  type TruthCell,
  type TruthTable,
} from "./metric.js";

/** A docling table cell; `span` = [rows, cols]. */
function cell(text: string, row: number, col: number, span: [number, number] = [1, 1], header = false) {
  return {
    text,
    start_row_offset_idx: row,
    end_row_offset_idx: row + span[0],
    start_col_offset_idx: col,
    end_col_offset_idx: col + span[1],
    column_header: header,
    row_span: span[0],
    col_span: span[1],
  };
}

function doclingDoc(...tables: ReturnType<typeof cell>[][]) {
  return {
    schema_name: "DoclingDocument",
    tables: tables.map((cells, i) => ({
      self_ref: `#/tables/${i}`,
      prov: [{ page_no: i + 1 }],
      data: {
        table_cells: cells,
        num_rows: Math.max(0, ...cells.map((c) => c.end_row_offset_idx)),
        num_cols: Math.max(0, ...cells.map((c) => c.end_col_offset_idx)),
      },
    })),
  };
}

/** A ground-truth table from a grid of texts (no spans; row 0 is the header). */
function truthGrid(rows: string[][], index = 0): TruthTable {
  const cells: TruthCell[] = rows.flatMap((r, row) =>
    r.map((text, col) => ({ text, row, col, rowSpan: 1, colSpan: 1, header: row === 0 })),
  );
  return { index, numRows: rows.length, numCols: rows[0]?.length ?? 0, pageNumbers: [], cells };
}

function table(header: string[], rows: string[][], title?: string): TableBlock {
  return { kind: "table", header, rows, ...(title ? { title } : {}) };
}

describe("normalizeCell", () => {
  it("applies NFKC, lower-cases and removes every whitespace and zero-width character", () => {
    expect(normalizeCell(" Ｆｒｅｓｈwater\n Ducks ")).toBe("freshwaterducks");
    expect(normalizeCell("a\u00a0b\u200bc\td")).toBe("abcd");
    expect(normalizeCell("ﬁ ½")).toBe("fi1⁄2");
    expect(normalizeCell(" \n\t")).toBe("");
  });
  it("removes leader dots but keeps single dots inside text and numbers", () => {
    expect(normalizeCell("Notices . . . . . . . .")).toBe("notices");
    expect(normalizeCell("Authors. . . . . .")).toBe("authors");
    expect(normalizeCell(". vii")).toBe("vii");
    expect(normalizeCell("Wait...")).toBe("wait");
    expect(normalizeCell("1.3.1 Existing row")).toBe("1.3.1existingrow");
    expect(normalizeCell("ID of the function.")).toBe("idofthefunction.");
    expect(normalizeCell(".5")).toBe(".5");
    expect(normalizeCell("e.g. this")).toBe("e.g.this");
  });

  it("drops a midnight time after an ISO date, and only that", () => {
    expect(normalizeCell("2024-01-05 00:00:00")).toBe("2024-01-05");
    expect(normalizeCell("2024-01-05T00:00")).toBe("2024-01-05");
    expect(normalizeCell("2024-01-05")).toBe("2024-01-05");
    expect(normalizeCell("2024-01-05 13:00:00")).toBe("2024-01-0513:00:00");
    expect(normalizeCell("at 2024-01-05 00:00:00")).toBe("at2024-01-0500:00:00");
  });
});

describe("prf", () => {
  it("computes precision, recall and F1", () => {
    const r = prf(3, 1, 1);
    expect(r.precision).toBe(0.75);
    expect(r.recall).toBe(0.75);
    expect(r.f1).toBeCloseTo(0.75);
  });
  it("is 1 when there is nothing to find and nothing predicted, 0 when nothing matched", () => {
    expect(prf(0, 0, 0)).toMatchObject({ precision: 1, recall: 1, f1: 1 });
    expect(prf(0, 0, 4)).toMatchObject({ precision: 0, recall: 0, f1: 0 });
    expect(prf(0, 2, 0)).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });
});

describe("cellTexts", () => {
  it("drops generated headers and blank cells, keeps real headers and body cells in order", () => {
    expect(
      cellTexts(
        table(
          ["column_1", "Name", ""],
          [
            ["a", " ", "x"],
            ["b", "c", "\n"],
          ],
        ),
      ),
    ).toEqual(["Name", "a", "x", "b", "c"]);
  });
  it("does not treat the title as a cell", () => {
    expect(cellTexts(table(["h"], [["v"]], "Title"))).toEqual(["h", "v"]);
  });
  it("keeps a header that merely contains the word column", () => {
    expect(cellTexts(table(["column_a", "Column 1"], []))).toEqual(["column_a", "Column 1"]);
  });
});

describe("parseGroundTruthTables / loadGroundTruthTables", () => {
  it("reads cells with offsets, spans and header flags", () => {
    const [t] = parseGroundTruthTables(
      doclingDoc([cell("H", 0, 0, [1, 2], true), cell("a", 1, 0), cell("b", 1, 1, [2, 1])]),
    );
    expect(t).toMatchObject({ index: 0, numRows: 3, numCols: 2, pageNumbers: [1] });
    expect(t?.cells).toEqual([
      { text: "H", row: 0, col: 0, rowSpan: 1, colSpan: 2, header: true },
      { text: "a", row: 1, col: 0, rowSpan: 1, colSpan: 1, header: false },
      { text: "b", row: 1, col: 1, rowSpan: 2, colSpan: 1, header: false },
    ]);
  });

  it("counts a spanning cell once even when it is listed once per covered position", () => {
    const [t] = parseGroundTruthTables(doclingDoc([cell("M", 0, 0, [1, 3]), cell("M", 0, 0, [1, 3])]));
    expect(t?.cells).toHaveLength(1);
  });

  it("leaves out tables without any non-empty cell but keeps the JSON index of the others", () => {
    const tables = parseGroundTruthTables(doclingDoc([], [cell(" ", 0, 0)], [cell("x", 0, 0)]));
    expect(tables.map((t) => t.index)).toEqual([2]);
  });

  it("returns nothing for a document without tables and rejects a malformed one", () => {
    expect(parseGroundTruthTables({ texts: [] })).toEqual([]);
    expect(() => parseGroundTruthTables([])).toThrow(/not a JSON object/);
    expect(() =>
      parseGroundTruthTables(doclingDoc([{ ...cell("x", 0, 0), start_row_offset_idx: -1 }])),
    ).toThrow(/start_row_offset_idx/);
  });

  it("loads a file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tables-metric-"));
    try {
      const file = path.join(dir, "gt.json");
      fs.writeFileSync(file, JSON.stringify(doclingDoc([cell("a", 0, 0), cell("b", 0, 1)])));
      expect(loadGroundTruthTables(file)[0]?.cells.map((c) => c.text)).toEqual(["a", "b"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("scoreTables", () => {
  const truth = truthGrid([
    ["Year", "Ducks"],
    ["2019", "120"],
    ["2020", "135"],
  ]);

  it("scores a perfect prediction 1 and finds the table", () => {
    const score = scoreTables(
      [truth],
      [
        table(
          ["Year", "Ducks"],
          [
            ["2019", "120"],
            ["2020", "135"],
          ],
        ),
      ],
    );
    expect(score).toMatchObject({ tp: 6, fp: 0, fn: 0, f1: 1, found: 1, truthTables: 1 });
    expect(score.tables[0]).toMatchObject({ predicted: 0, found: true, truthCells: 6, predictedCells: 6 });
  });

  it("ignores position, case, whitespace and generated headers", () => {
    const score = scoreTables(
      [truth],
      [
        table(
          ["column_1", "column_2"],
          [
            [" year", "DUCKS "],
            ["120", "2019"],
            ["2 020", "135"],
          ],
        ),
      ],
    );
    expect(score).toMatchObject({ tp: 6, fp: 0, fn: 0, f1: 1 });
  });

  it("gives a ground-truth table without prediction zero and does not find it", () => {
    const score = scoreTables([truth], []);
    expect(score).toMatchObject({ tp: 0, fp: 0, fn: 6, precision: 0, recall: 0, f1: 0, found: 0 });
    expect(score.tables[0]?.predicted).toBeUndefined();
    expect(score.tables[0]?.found).toBe(false);
  });

  it("is vacuously perfect with no ground truth and no prediction", () => {
    expect(scoreTables([], [])).toMatchObject({ f1: 1, truthTables: 0, found: 0, unmatchedPredicted: 0 });
  });

  it("does not count unmatched predicted tables as false positives but reports them", () => {
    const score = scoreTables([], [table(["a", "b"], [["c", "d"]])]);
    expect(score).toMatchObject({ tp: 0, fp: 0, fn: 0, unmatchedPredicted: 1, unmatchedPredictedCells: 4 });
    const other = scoreTables(
      [truth],
      [
        table(
          ["Year", "Ducks"],
          [
            ["2019", "120"],
            ["2020", "135"],
          ],
        ),
        table(["x"], [["y"]]),
      ],
    );
    expect(other).toMatchObject({
      f1: 1,
      predictedTables: 2,
      unmatchedPredicted: 1,
      unmatchedPredictedCells: 2,
    });
  });

  it("treats an empty predicted table as no prediction", () => {
    const score = scoreTables([truth], [table([], []), table(["column_1"], [[""]])]);
    expect(score).toMatchObject({
      tp: 0,
      fn: 6,
      found: 0,
      unmatchedPredicted: 2,
      unmatchedPredictedCells: 0,
    });
  });

  it("counts duplicates as a multiset: extra copies are false positives, missing copies false negatives", () => {
    const zeros = truthGrid([["0", "0", "1"]]);
    const more = scoreTables([zeros], [table(["0", "0", "0", "1"], [])]);
    expect(more).toMatchObject({ tp: 3, fp: 1, fn: 0 });
    const fewer = scoreTables([zeros], [table(["0", "1"], [])]);
    expect(fewer).toMatchObject({ tp: 2, fp: 0, fn: 1 });
    expect(fewer.tables[0]?.recall).toBeCloseTo(2 / 3);
  });

  it("counts a spanning cell once, excusing its repetition within the span", () => {
    const spanned: TruthTable = {
      index: 0,
      numRows: 3,
      numCols: 3,
      pageNumbers: [],
      cells: [
        { text: "Head", row: 0, col: 0, rowSpan: 1, colSpan: 3, header: true },
        { text: "a", row: 1, col: 0, rowSpan: 2, colSpan: 1, header: false },
        { text: "b", row: 1, col: 1, rowSpan: 1, colSpan: 1, header: false },
        { text: "c", row: 1, col: 2, rowSpan: 1, colSpan: 1, header: false },
        { text: "d", row: 2, col: 1, rowSpan: 1, colSpan: 1, header: false },
        { text: "e", row: 2, col: 2, rowSpan: 1, colSpan: 1, header: false },
      ],
    };
    // The span's text repeated in every position it covers (as many parsers emit merged cells).
    const repeated = scoreTables(
      [spanned],
      [
        table(
          ["Head", "Head", "Head"],
          [
            ["a", "b", "c"],
            ["a", "d", "e"],
          ],
        ),
      ],
    );
    expect(repeated).toMatchObject({ tp: 6, fp: 0, fn: 0, f1: 1 });
    expect(repeated.tables[0]?.excused).toBe(3);
    // The span's text once, the covered positions empty.
    const once = scoreTables(
      [spanned],
      [
        table(
          ["Head", "", ""],
          [
            ["a", "b", "c"],
            ["", "d", "e"],
          ],
        ),
      ],
    );
    expect(once).toMatchObject({ tp: 6, fp: 0, fn: 0, f1: 1 });
    // More repeats than the span covers are false positives.
    const tooMany = scoreTables(
      [spanned],
      [table(["Head", "Head", "Head", "Head"], [["a", "b", "c", "d", "e"]])],
    );
    expect(tooMany).toMatchObject({ tp: 6, fp: 1, fn: 0 });
  });

  it("matches one to one, greedily by F1, so a split table finds only one part", () => {
    const t1 = truthGrid(
      [
        ["a", "b"],
        ["c", "d"],
      ],
      0,
    );
    const t2 = truthGrid(
      [
        ["w", "x"],
        ["y", "z"],
      ],
      1,
    );
    // One prediction merges both truth tables: it is the partner of one only.
    const merged = scoreTables(
      [t1, t2],
      [
        table(
          ["a", "b"],
          [
            ["c", "d"],
            ["w", "x"],
            ["y", "z"],
          ],
        ),
      ],
    );
    expect(merged.tables.map((m) => m.predicted)).toEqual([0, undefined]);
    expect(merged.tables[0]).toMatchObject({ tp: 4, fp: 4, fn: 0, precision: 0.5, recall: 1, found: true });
    expect(merged).toMatchObject({ found: 1, tp: 4, fp: 4, fn: 4 });
    // Two predictions in the opposite order: each truth table gets its best partner.
    const two = scoreTables([t1, t2], [table(["w", "x"], [["y", "z"]]), table(["a", "b"], [["c", "Q"]])]);
    expect(two.tables.map((m) => m.predicted)).toEqual([1, 0]);
    expect(two.tables[0]).toMatchObject({ tp: 3, fp: 1, fn: 1 });
    expect(two).toMatchObject({ found: 2, unmatchedPredicted: 0 });
  });

  it("prefers the better-scoring pair when two truth tables compete for one prediction", () => {
    const small = truthGrid([["a"]], 0);
    const big = truthGrid([["a", "b", "c", "d"]], 1);
    const score = scoreTables([small, big], [table(["a", "b", "c", "d"], [])]);
    expect(score.tables.map((m) => m.predicted)).toEqual([undefined, 0]);
  });

  it("marks a table found only at recall ≥ 0.5", () => {
    const four = truthGrid([["a", "b", "c", "d"]]);
    expect(scoreTables([four], [table(["a", "b"], [])]).tables[0]?.found).toBe(true);
    expect(scoreTables([four], [table(["a", "x"], [])]).tables[0]?.found).toBe(false);
  });

  it("lets a predicted table's title stand for a one-cell truth table", () => {
    const title = truthGrid([["Number of ducks per year"]], 0);
    const ducks = truthGrid(
      [
        ["Year", "Ducks"],
        ["2019", "120"],
      ],
      1,
    );
    const score = scoreTables(
      [title, ducks],
      [table(["Year", "Ducks"], [["2019", "120"]], "Number of  Ducks per year")],
    );
    expect(score.tables[0]).toMatchObject({ predicted: 0, viaTitle: true, f1: 1, found: true });
    expect(score.tables[1]).toMatchObject({ predicted: 0, viaTitle: false, f1: 1 });
    expect(score).toMatchObject({ found: 2, unmatchedPredicted: 0 });
  });
});

describe("combineScores", () => {
  it("micro-averages counts over documents", () => {
    const a = scoreTables([truthGrid([["a", "b"]])], [table(["a", "b"], [])]);
    const b = scoreTables([truthGrid([["c", "d", "e", "f"]])], [table(["c", "x"], [])]);
    const set = combineScores([a, b]);
    expect(set).toMatchObject({ tp: 3, fp: 1, fn: 3, truthTables: 2, found: 1, predictedTables: 2 });
    expect(set.precision).toBe(0.75);
    expect(set.recall).toBe(0.5);
    expect(set.tables).toHaveLength(2);
    expect(combineScores([])).toMatchObject({ f1: 1, truthTables: 0 });
  });
});

import fs from "node:fs";
import path from "node:path";
import { deflateSync, zlibSync } from "fflate";
import { describe, expect, it } from "vitest";
import {
  buildHwp,
  buildHwpx,
  ctrlId,
  FLAGS,
  fileHeader,
  gridCells,
  hpPara,
  hpTable,
  hpText,
  hwpxHeader,
  LINE_BREAK,
  listControl,
  para,
  rec,
  sectionDefControl,
  TAB,
  TAG,
  tableControl,
  textBoxControl,
  u32s,
  writeCfb,
} from "../../../test/helpers/hwp-fixtures.js";
import { detectFormat } from "../detect/index.js";
import { readHwp5 } from "../office/hwp.js";
import { processDocument } from "../process.js";
import {
  type Block,
  DEFAULT_PARSE_LIMITS,
  type ParsedDocument,
  ParseError,
  type ParseLimits,
} from "../types.js";
import { hwpParser } from "./hwp.js";

const DOCS = path.resolve(import.meta.dirname, "../../../../shared/eval/documents");

const concatBytes = (parts: readonly Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

function parse(bytes: Uint8Array, limits: ParseLimits = DEFAULT_PARSE_LIMITS): Promise<ParsedDocument> {
  return hwpParser.parse(bytes, { fileName: "문서.hwp", format: "hwp", limits });
}

async function failure(promise: Promise<unknown>): Promise<ParseError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ParseError)) throw new Error(`expected a ParseError, got ${String(error)}`);
  return error;
}

/** A report the way Hangul lays one out: section definition, outline headings, a table, notes, boxes. */
function reportSection(): Uint8Array[] {
  return [
    // The first paragraph of a section anchors the section and column definitions (extended controls).
    ...para(0, {
      text: [{ ctrl: "secd", code: 2 }, { ctrl: "cold", code: 2 }, "2024년 사업 보고서"],
      shape: 1,
      controls: [sectionDefControl(1), [rec(TAG.CTRL_HEADER, 1, u32s(ctrlId("cold"), 0))]],
    }),
    ...para(0, {
      text: [
        "Annual report of ",
        { ctrl: "%hlk", code: 3 },
        "Openground",
        { inline: 4 },
        " (요약)",
        LINE_BREAK,
        "둘째 줄",
        TAB,
        "끝",
      ],
    }),
    ...para(0, { text: ["추진 배경"], shape: 2 }),
    ...para(0, {
      text: ["매출이 증가했다", { ctrl: "fn  ", code: 17 }, "."],
      controls: [listControl(1, "fn  ", ["2023년 대비 12% 증가."])],
    }),
    ...para(0, {
      text: [{ ctrl: "tbl " }],
      controls: [
        tableControl(
          1,
          [
            { row: 0, col: 0, paras: ["지역"] },
            { row: 0, col: 1, colSpan: 2, paras: ["매출 (억 원)"] },
            { row: 1, col: 0, rowSpan: 2, paras: ["서울"] },
            { row: 1, col: 1, paras: ["2023"] },
            { row: 1, col: 2, paras: ["120"] },
            { row: 2, col: 1, paras: ["2024"] },
            { row: 2, col: 2, paras: ["134", "(잠정)"] },
          ],
          { rows: 3, cols: 3, caption: "표 1. 지역별 매출" },
        ),
      ],
    }),
    ...para(0, {
      text: [{ ctrl: "head", code: 16 }, "본문 계속", { ctrl: "gso " }],
      controls: [listControl(1, "head", ["머리말 — 페이지 상단"]), textBoxControl(1, ["글상자 안의 설명"])],
    }),
    ...para(0, { text: ["결론"], style: 3 }),
  ];
}

const REPORT_BLOCKS: Block[] = [
  { kind: "heading", level: 1, text: "2024년 사업 보고서" },
  { kind: "text", role: "paragraph", text: "Annual report of Openground (요약)\n둘째 줄\t끝" },
  { kind: "heading", level: 2, text: "추진 배경" },
  { kind: "text", role: "paragraph", text: "매출이 증가했다[1]." },
  {
    kind: "table",
    title: "표 1. 지역별 매출",
    header: ["지역", "매출 (억 원)", "매출 (억 원)"],
    rows: [
      ["서울", "2023", "120"],
      ["서울", "2024", "134\n(잠정)"],
    ],
  },
  { kind: "text", role: "paragraph", text: "본문 계속" },
  { kind: "text", role: "paragraph", text: "글상자 안의 설명" },
  { kind: "heading", level: 2, text: "결론" },
  { kind: "text", role: "paragraph", text: "[1] 2023년 대비 12% 증가." },
];

describe("hwpParser: HWP 5 binary documents", () => {
  it.each([
    ["compressed", true, 3],
    ["uncompressed", false, 3],
    ["compressed, 4096-byte sectors", true, 4],
  ] as const)(
    "reads paragraphs, headings, a merged table, notes and text boxes (%s)",
    async (_, compressed, cfbVersion) => {
      const bytes = buildHwp({ sections: [reportSection()], compressed, cfbVersion });
      const doc = await parse(bytes);
      expect(doc.blocks).toEqual(REPORT_BLOCKS);
      expect(doc.title).toBe("2024년 사업 보고서");
      expect(doc.pages).toBeUndefined();
    },
  );

  it("reads the sections in numeric order and large records (extended size)", async () => {
    const long = "가나다라마바사 ".repeat(400); // 3,200 UTF-16 units: a PARA_TEXT over 4,095 bytes
    const bytes = buildHwp({
      sections: [
        [...para(0, "둘째 구역")],
        [...para(0, "셋째 구역")],
        [...para(0, long)],
        [...para(0, "첫 구역")],
      ],
      sectionNames: ["Section2", "Section10", "Section1", "Section0"],
    });
    const doc = await parse(bytes);
    expect(doc.blocks.map((b) => (b.kind === "text" ? b.text.slice(0, 7) : ""))).toEqual([
      "첫 구역",
      long.slice(0, 7),
      "둘째 구역",
      "셋째 구역",
    ]);
    expect((doc.blocks[1] as { text: string }).text).toBe(long.trim());
  });

  it("reads a one-cell table as body text and puts a nested table after its outer table", async () => {
    const inner = tableControl(
      3,
      gridCells([
        ["내부", "표"],
        ["x", "y"],
      ]),
      { rows: 2, cols: 2 },
    );
    const bytes = buildHwp({
      sections: [
        [
          ...para(0, {
            text: [{ ctrl: "tbl " }],
            controls: [tableControl(1, gridCells([["□ 상자 안의 제목"]]), { rows: 1, cols: 1 })],
          }),
          ...para(0, {
            text: [{ ctrl: "tbl " }],
            controls: [
              tableControl(
                1,
                [
                  { row: 0, col: 0, paras: ["A"] },
                  { row: 0, col: 1, paras: ["B"] },
                  { row: 1, col: 0, paras: ["a1"] },
                  { row: 1, col: 1, paras: [{ text: ["b1", { ctrl: "tbl " }], controls: [inner] }] },
                ],
                { rows: 2, cols: 2 },
              ),
            ],
          }),
        ],
      ],
    });
    expect((await parse(bytes)).blocks).toEqual([
      { kind: "text", role: "paragraph", text: "□ 상자 안의 제목" },
      { kind: "table", header: ["A", "B"], rows: [["a1", "b1"]] },
      { kind: "table", header: ["내부", "표"], rows: [["x", "y"]] },
    ]);
  });

  it("places cells row by row when their addresses are inconsistent", async () => {
    // Every cell claims (0, 0): the TABLE record's cells-per-row counts decide.
    const cells = gridCells([
      ["h1", "h2"],
      ["v1", "v2"],
    ]).map((c) => ({ ...c, row: 0, col: 0 }));
    const bytes = buildHwp({
      sections: [
        [
          ...para(0, {
            text: [{ ctrl: "tbl " }],
            controls: [tableControl(1, cells, { rows: 2, cols: 2, perRow: [2, 2] })],
          }),
        ],
      ],
    });
    expect((await parse(bytes)).blocks).toEqual([
      { kind: "table", header: ["h1", "h2"], rows: [["v1", "v2"]] },
    ]);
  });

  it("also accepts zlib-wrapped section streams (third-party writers)", async () => {
    const records = [...para(0, "zlib 스트림"), ...para(0, "둘째 문단")];
    const bytes = writeCfb([
      { path: "FileHeader", data: fileHeader(FLAGS.COMPRESSED) },
      { path: "BodyText/Section0", data: zlibSync(concatBytes(records)) },
    ]);
    expect((await parse(bytes)).blocks).toEqual([
      { kind: "text", role: "paragraph", text: "zlib 스트림" },
      { kind: "text", role: "paragraph", text: "둘째 문단" },
    ]);
  });

  it("keeps reading without DocInfo (no headings then)", async () => {
    const bytes = buildHwp({
      sections: [[...para(0, { text: ["제목"], shape: 1 }), ...para(0, "본문")]],
      docInfo: [],
    });
    expect((await parse(bytes)).blocks).toEqual([
      { kind: "text", role: "paragraph", text: "제목" },
      { kind: "text", role: "paragraph", text: "본문" },
    ]);
  });

  it("refuses password, DRM and distribution documents with their reason", async () => {
    const body = [[...para(0, "비밀")]];
    const password = await failure(parse(buildHwp({ sections: body, flags: FLAGS.PASSWORD })));
    expect([password.code, password.message]).toEqual(["ENCRYPTED", "the document is password-protected"]);
    expect((await failure(parse(buildHwp({ sections: body, flags: FLAGS.DRM })))).code).toBe("ENCRYPTED");
    const distribution = await failure(parse(buildHwp({ sections: body, flags: FLAGS.DISTRIBUTION })));
    expect(distribution.code).toBe("PARSE_FAILED");
    expect(distribution.message).toMatch(/distribution document \(배포용 문서\)/);
  });

  it("reports damaged files as PARSE_FAILED", async () => {
    const good = buildHwp({ sections: [reportSection()] });
    const cases: [string, Uint8Array, RegExp][] = [
      ["garbage", new Uint8Array(4096).map((_, i) => (i * 7919) % 251), /not an HWP or HWPX document/],
      ["a truncated file", good.subarray(0, Math.floor(good.length / 2)), /damaged compound file/],
      [
        "a legacy Word file",
        new Uint8Array(fs.readFileSync(path.join(DOCS, "fake.doc"))),
        /legacy Microsoft Office/,
      ],
      ["no BodyText", writeCfb([{ path: "FileHeader", data: fileHeader(0) }]), /no BodyText sections/],
      [
        "a corrupt compressed section",
        writeCfb([
          { path: "FileHeader", data: fileHeader(FLAGS.COMPRESSED) },
          { path: "BodyText/Section0", data: new Uint8Array(600).fill(0xff) },
        ]),
        /damaged compressed stream BodyText\/Section0/,
      ],
      [
        "a truncated compressed section",
        writeCfb([
          { path: "FileHeader", data: fileHeader(FLAGS.COMPRESSED) },
          { path: "BodyText/Section0", data: deflateSync(new Uint8Array(100_000).fill(65)).subarray(0, 50) },
        ]),
        /compressed stream BodyText\/Section0/,
      ],
      ["HWP 3", new TextEncoder().encode("HWP Document File V3.00 \x1a\x01\x02\x03\x04\x05"), /HWP 3\.x/],
    ];
    for (const [name, bytes, message] of cases) {
      const error = await failure(parse(bytes));
      expect([name, error.code]).toEqual([name, "PARSE_FAILED"]);
      expect(error.message).toMatch(message);
    }
  });

  it("reports a record whose declared size points past the end", async () => {
    // A PARA_TEXT header announcing 4,000 bytes followed by 10.
    const broken = [
      ...para(0, "정상"),
      Uint8Array.from([...rec(TAG.PARA_TEXT, 1, new Uint8Array(4000)).subarray(0, 18)]),
    ];
    for (const compressed of [false, true]) {
      const error = await failure(parse(buildHwp({ sections: [broken], compressed })));
      expect([error.code, error.message]).toEqual([
        "PARSE_FAILED",
        "the file is not a valid HWP document (a record of BodyText/Section0 runs past the end of the stream)",
      ]);
    }
  });

  it("stops a deflate bomb and an over-long text with LIMIT_EXCEEDED", async () => {
    // 8 MiB of zeros compress to ~8 KiB; with a 1 MiB cap the inflater stops early.
    const bomb = writeCfb([
      { path: "FileHeader", data: fileHeader(FLAGS.COMPRESSED) },
      { path: "BodyText/Section0", data: deflateSync(new Uint8Array(8 * 1024 * 1024)) },
    ]);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const limits = { maxStreamBytes: 1024 * 1024, maxTotalBytes: 4 * 1024 * 1024, maxRecords: 1000 };
    expect(() => readHwp5(bomb, { maxChars: 1e9, limits })).toThrow(
      expect.objectContaining({
        code: "LIMIT_EXCEEDED",
        message: expect.stringMatching(/expands beyond the limit of 1 MiB/),
      }),
    );
    // The document total counts too: two 3 MiB sections under a 4 MiB total.
    const two = writeCfb([
      { path: "FileHeader", data: fileHeader(FLAGS.COMPRESSED) },
      { path: "BodyText/Section0", data: deflateSync(new Uint8Array(3 * 1024 * 1024)) },
      { path: "BodyText/Section1", data: deflateSync(new Uint8Array(3 * 1024 * 1024)) },
    ]);
    expect(() =>
      readHwp5(two, { maxChars: 1e9, limits: { ...limits, maxStreamBytes: 8 * 1024 * 1024 } }),
    ).toThrow(/expands beyond the limit of 4 MiB when decompressed/);
    // Zero-size records: the record cap stops them before they cost memory.
    const records = buildHwp({ sections: [Array.from({ length: 2000 }, () => rec(TAG.PARA_HEADER, 0))] });
    expect(() => readHwp5(records, { maxChars: 1e9, limits })).toThrow(/more than 1000 records/);
    const text = buildHwp({ sections: [Array.from({ length: 50 }, () => para(0, "가".repeat(100))).flat()] });
    const error = await failure(parse(text, { ...DEFAULT_PARSE_LIMITS, maxChars: 1000 }));
    expect(error.code).toBe("LIMIT_EXCEEDED");
  });

  it("reports a document without text as EMPTY_DOCUMENT", async () => {
    const bytes = buildHwp({
      sections: [[...para(0, { text: [{ ctrl: "secd", code: 2 }, "  "], controls: [sectionDefControl(1)] })]],
    });
    expect((await failure(parse(bytes))).code).toBe("EMPTY_DOCUMENT");
  });
});

describe("hwpParser: HWPX packages", () => {
  const table = hpTable(
    [
      [
        { row: 0, col: 0, body: hpText("항목") },
        { row: 0, col: 1, body: hpText("값") },
      ],
      [
        { row: 1, col: 0, body: hpText("인구") },
        { row: 1, col: 1, body: hpText("9,386,034") },
      ],
    ],
    { caption: "표 2. 서울" },
  );

  it("reads paragraphs, breaks, headings, tables, notes and text boxes", async () => {
    const section = [
      hpText("서울 통계", 'paraPrIDRef="1" styleIDRef="0"'),
      hpPara(
        '<hp:t>첫 줄<hp:lineBreak/>둘째<hp:tab width="4000" leader="0" type="1"/>칸<hp:nbSpace/>끝</hp:t>',
      ),
      hpPara(
        '<hp:t>본문</hp:t><hp:ctrl><hp:footNote number="1" instId="1"><hp:subList id="" textDirection="HORIZONTAL"><hp:p id="0" paraPrIDRef="0" styleIDRef="0"><hp:run charPrIDRef="0"><hp:t>출처: 통계청</hp:t></hp:run></hp:p></hp:subList></hp:footNote></hp:ctrl><hp:t>.</hp:t>',
      ),
      hpPara(table),
      hpText("세부 사항", 'paraPrIDRef="0" styleIDRef="2"'),
      hpPara(
        '<hp:t>삭제<hp:deleteBegin Id="1" TcId="1"/>된 글<hp:deleteEnd Id="1" TcId="1"/> 없음</hp:t><hp:ctrl><hp:header id="1" applyPageType="BOTH"><hp:subList id=""><hp:p id="0"><hp:run><hp:t>머리말</hp:t></hp:run></hp:p></hp:subList></hp:header></hp:ctrl>',
      ),
      hpPara(
        `<hp:rect id="5"><hp:drawText lastWidth="1000" name="" editable="0"><hp:subList id="">${hpText("상자 글")}</hp:subList></hp:drawText></hp:rect><hp:switch><hp:case hp:required-namespace="http://www.hancom.co.kr/hwpml/2016/HwpUnitChar"><hp:t>새 기능</hp:t></hp:case><hp:default><hp:t>옛 기능</hp:t></hp:default></hp:switch>`,
      ),
    ].join("");
    const doc = await parse(buildHwpx({ sections: [section] }));
    expect(doc.blocks).toEqual([
      { kind: "heading", level: 1, text: "서울 통계" },
      { kind: "text", role: "paragraph", text: "첫 줄\n둘째\t칸 끝" },
      { kind: "text", role: "paragraph", text: "본문[1]." },
      { kind: "table", title: "표 2. 서울", header: ["항목", "값"], rows: [["인구", "9,386,034"]] },
      { kind: "heading", level: 3, text: "세부 사항" },
      { kind: "text", role: "paragraph", text: "삭제 없음" },
      { kind: "text", role: "paragraph", text: "새 기능" },
      { kind: "text", role: "paragraph", text: "상자 글" },
      { kind: "text", role: "paragraph", text: "[1] 출처: 통계청" },
    ]);
    expect(doc.title).toBe("서울 통계");
  });

  it("follows the spine order, and falls back to numbered section parts", async () => {
    const sections = [hpText("구역 0"), hpText("구역 1")];
    const texts = (d: ParsedDocument): string[] => d.blocks.map((b) => (b.kind === "text" ? b.text : ""));
    expect(texts(await parse(buildHwpx({ sections, spine: [1, 0] })))).toEqual(["구역 1", "구역 0"]);
    expect(texts(await parse(buildHwpx({ sections, spine: null, noMimetype: true })))).toEqual([
      "구역 0",
      "구역 1",
    ]);
  });

  it("places cells without addresses row by row, around row spans", async () => {
    const cell = (text: string, rowSpan = 1) => ({ row: -1, col: -1, rowSpan, body: hpText(text) });
    const bytes = buildHwpx({
      sections: [hpPara(hpTable([[cell("구분", 2), cell("A")], [cell("B")]], { addresses: false }))],
      header: hwpxHeader(),
    });
    expect((await parse(bytes)).blocks).toEqual([
      { kind: "table", header: ["구분", "A"], rows: [["구분", "B"]] },
    ]);
  });

  it("refuses an encrypted package and a zip without sections", async () => {
    const encrypted = buildHwpx({
      sections: [hpText("x")],
      extra: {
        "META-INF/manifest.xml":
          '<odf:manifest xmlns:odf="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><odf:file-entry odf:full-path="Contents/section0.xml"><odf:encryption-data odf:checksum-type="SHA1"/></odf:file-entry></odf:manifest>',
      },
    });
    expect((await failure(parse(encrypted))).code).toBe("ENCRYPTED");
    const empty = await failure(parse(buildHwpx({ sections: [], spine: null })));
    expect([empty.code, empty.message]).toEqual([
      "PARSE_FAILED",
      "the file is not a valid HWPX document (no section parts)",
    ]);
  });
});

describe("HWP documents through detection and processDocument", () => {
  it("detects and processes generated HWP and HWPX documents with the default registry", async () => {
    const documents: [string, Uint8Array][] = [
      ["보고서.hwp", buildHwp({ sections: [reportSection()] })],
      [
        "통계.hwpx",
        buildHwpx({ sections: [hpText("서울 통계", 'paraPrIDRef="1"') + hpPara(`<hp:t>문단</hp:t>`)] }),
      ],
    ];
    for (const [fileName, bytes] of documents) {
      // The bytes decide, not the (misleading) declared type or name.
      const format = detectFormat(bytes, "docx", "upload.bin");
      expect(format).toBe("hwp");
      const { xray, chunks } = await processDocument({
        bytes,
        fileName,
        format: format ?? "txt",
        processLevel: "full",
        limits: DEFAULT_PARSE_LIMITS,
        chunkIdPrefix: "h1w2p3",
      });
      expect(xray.fileType).toBe("hwp");
      expect(chunks.text).toContain("서울");
      if (fileName.endsWith(".hwp")) {
        const tableChunk = xray.chunks.find((c) => c.contentType[0] === "table");
        expect(tableChunk?.text).toContain("134");
        expect(chunks.sections.map((s) => s.title)).toEqual(["2024년 사업 보고서", "추진 배경", "결론"]);
      }
    }
  });
});

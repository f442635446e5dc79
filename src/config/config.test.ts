import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./index.js";

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig({}, "/srv/app");
    expect(config).toMatchObject({
      port: 8080,
      host: "0.0.0.0",
      dataDir: path.resolve("/srv/app", "data"),
      apiKey: undefined,
      publicUrl: "http://localhost:8080",
      allowPrivateNetwork: false,
      logLevel: "info",
      quotas: { fileTokens: undefined, searches: undefined },
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("reads every variable", () => {
    const config = loadConfig(
      {
        PORT: "9000",
        HOST: "127.0.0.1",
        OPENGROUND_DATA_DIR: "/var/lib/og",
        OPENGROUND_API_KEY: "0b8f2c55-9d1e-4a53-8a9f-0a4c2e6f1d77",
        OPENGROUND_PUBLIC_URL: "https://rag.example.com/",
        OPENGROUND_ALLOW_PRIVATE_NETWORK: "true",
        OPENGROUND_LOG_LEVEL: "warn",
        OPENGROUND_QUOTA_FILE_TOKENS: "1000000",
        OPENGROUND_QUOTA_SEARCHES: "500",
      },
      "/srv/app",
    );
    expect(config).toMatchObject({
      port: 9000,
      host: "127.0.0.1",
      dataDir: "/var/lib/og",
      apiKey: "0b8f2c55-9d1e-4a53-8a9f-0a4c2e6f1d77",
      publicUrl: "https://rag.example.com",
      allowPrivateNetwork: true,
      logLevel: "warn",
      quotas: { fileTokens: 1_000_000, searches: 500 },
    });
  });

  it("derives the public URL from HOST and PORT", () => {
    expect(loadConfig({ HOST: "10.0.0.5", PORT: "81" }).publicUrl).toBe("http://10.0.0.5:81");
  });

  it("lists every problem at once", () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: "http",
        OPENGROUND_API_KEY: "short",
        OPENGROUND_PUBLIC_URL: "ftp://x",
        OPENGROUND_ALLOW_PRIVATE_NETWORK: "maybe",
        OPENGROUND_LOG_LEVEL: "loud",
        OPENGROUND_QUOTA_SEARCHES: "-1",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(6);
    expect(problems.join("\n")).toMatch(/PORT/);
    expect(problems.join("\n")).toMatch(/OPENGROUND_API_KEY/);
    expect(problems.join("\n")).toMatch(/OPENGROUND_PUBLIC_URL/);
    expect(problems.join("\n")).toMatch(/OPENGROUND_ALLOW_PRIVATE_NETWORK/);
    expect(problems.join("\n")).toMatch(/OPENGROUND_LOG_LEVEL/);
    expect(problems.join("\n")).toMatch(/OPENGROUND_QUOTA_SEARCHES/);
  });

  it("reads the share of the index above which the lexical arm skips a term", () => {
    expect(loadConfig({}).search.commonTermShare).toBe(0.2);
    expect(loadConfig({ OPENGROUND_SEARCH_COMMON_TERM_PERCENT: "10" }).search.commonTermShare).toBe(0.1);
    expect(loadConfig({ OPENGROUND_SEARCH_COMMON_TERM_PERCENT: "100" }).search.commonTermShare).toBe(1);
    expect(() => loadConfig({ OPENGROUND_SEARCH_COMMON_TERM_PERCENT: "0" })).toThrow(
      /OPENGROUND_SEARCH_COMMON_TERM_PERCENT must be an integer between 1 and 100/,
    );
  });

  it("reads the largest index the lexical arm keeps in memory", () => {
    expect(loadConfig({}).search.memoryChunks).toBe(1_000_000);
    expect(loadConfig({ OPENGROUND_SEARCH_MEMORY_CHUNKS: "0" }).search.memoryChunks).toBe(0);
    expect(() => loadConfig({ OPENGROUND_SEARCH_MEMORY_CHUNKS: "-1" })).toThrow(
      /OPENGROUND_SEARCH_MEMORY_CHUNKS/,
    );
  });

  it("rejects a port out of range", () => {
    expect(() => loadConfig({ PORT: "70000" })).toThrow(ConfigError);
  });

  it("configures the parsers: OCR languages with installed data, LibreOffice", () => {
    expect(loadConfig({}).ingest.parsers).toEqual({
      ocrLanguages: ["eng"],
      libreoffice: "auto",
      libreofficeTimeoutMs: 120_000,
    });
    const set = loadConfig({
      OPENGROUND_OCR_LANGUAGES: "eng+osd",
      OPENGROUND_LIBREOFFICE: "off",
      OPENGROUND_LIBREOFFICE_TIMEOUT_MS: "5000",
    });
    expect(set.ingest.parsers).toEqual({
      ocrLanguages: ["eng", "osd"],
      libreoffice: "off",
      libreofficeTimeoutMs: 5000,
    });
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ OPENGROUND_OCR_LANGUAGES: "eng,deu" })).toEqual([
      'OPENGROUND_OCR_LANGUAGES: no OCR data for "deu": install the npm package @tesseract.js-data/deu',
    ]);
    expect(problems({ OPENGROUND_OCR_LANGUAGES: "English" })[0]).toMatch(/not a tesseract language code/);
    expect(problems({ OPENGROUND_LIBREOFFICE: "soffice" })[0]).toMatch(/auto, off or the absolute path/);
    expect(problems({ OPENGROUND_LIBREOFFICE: "/nonexistent/soffice" })[0]).toMatch(/not an executable/);
  });

  it("treats blank values as unset", () => {
    expect(loadConfig({ PORT: " ", OPENGROUND_API_KEY: "" }).port).toBe(8080);
  });
});

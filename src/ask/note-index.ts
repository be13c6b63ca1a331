/**
 * The note-level side of retrieval: which note each chunk belongs to, and a BM25 index with
 * one document per note (its path's folders, title, headings, every item, and the anchor text
 * of the links other notes make to it), so a question matching a note's title, a section
 * heading or what an index note calls it finds the note even when no single item repeats
 * those words. Follows ingests chunk by chunk; a changed note's document is rebuilt lazily
 * before the next search.
 */
import path from "node:path";
import type { NoteLink } from "../index/pointer.js";
import type { IndexedText } from "../index/store.js";
import { analyze } from "../index/tokenize.js";
import { type ConceptWeights, type KeywordHit, KeywordIndex, type UnseenWords } from "./keyword.js";

interface NoteEntry {
  title: string;
  /** Chunk ids of the note in the order they were added (document order on a full build). */
  readonly ids: Set<string>;
}

/** The chunks whose links name a target key (a note path, or a wiki name). */
type Inbound = Map<string, Set<string>>;

export interface NoteHit extends Omit<KeywordHit, "id"> {
  readonly file: string;
  /**
   * How closely the question is the note's title: the share of the question its title covers
   * times the share of the title the question repeats (1: the question is the title).
   */
  readonly titleMatch?: number;
  /**
   * How much of the note's folder names the question repeats (IDF-weighted share, 1: every
   * folder word): a folder is a topic (`docker/`, `vscode/`), and a question naming the tool
   * it is about should reach that topic's notes before notes sharing only its phrasing.
   */
  readonly folderMatch?: number;
}

export class NoteIndex {
  private readonly chunks = new Map<string, IndexedText>();
  private readonly notes = new Map<string, NoteEntry>();
  private readonly dirty = new Set<string>();
  private readonly keyword: KeywordIndex;
  /** Chunks with links to other notes, by id. */
  private readonly linking = new Map<string, IndexedText & { links: readonly NoteLink[] }>();
  private readonly inbound: Inbound = new Map();
  /** Notes by wiki name: lowercased file name without extension, and title. */
  private readonly byName = new Map<string, Set<string>>();

  /** One document per note: its title alone (how closely a question is a note's title). */
  private readonly titles: KeywordIndex;
  /** Each note's distinct title terms, for the share of the title a question repeats. */
  private readonly titleTerms = new Map<string, readonly string[]>();
  /** Each note's distinct folder words (`react-native/` → react, native), for its folder match. */
  private readonly folderTerms = new Map<string, readonly string[]>();
  private readonly weights: ConceptWeights;
  /** Per note, its titles and headings with the number of chunks under each (countHeadings). */
  private readonly headings = new Map<string, Map<string, number>>();

  /** The chunk index, when there is one: its analysis of the chunks is reused, not redone. */
  private readonly analyzed: KeywordIndex;

  /**
   * `chunkIndex`: the keyword index of the same chunks (same ids, same texts). Its word
   * statistics stand for the notes' (see ConceptWeights), and a note's document reuses its
   * analysis of the note's chunks, which halves building both.
   */
  constructor(options: { chunkIndex?: KeywordIndex } = {}) {
    const { chunkIndex } = options;
    // The chunks' abbreviations: the same texts, read once.
    const abbreviations = chunkIndex?.abbreviations;
    this.keyword = new KeywordIndex({ conceptWeights: chunkIndex ?? null, abbreviations });
    this.titles = new KeywordIndex({
      conceptWeights: chunkIndex ?? this.keyword,
      abbreviations: this.keyword.abbreviations,
    });
    this.weights = chunkIndex ?? this.keyword;
    this.analyzed = chunkIndex ?? new KeywordIndex();
  }

  get size(): number {
    return this.notes.size;
  }

  add(chunk: IndexedText): void {
    this.remove(chunk.id);
    this.chunks.set(chunk.id, chunk);
    let note = this.notes.get(chunk.file);
    if (!note) {
      note = { title: chunk.title, ids: new Set() };
      this.notes.set(chunk.file, note);
      this.nameNote(chunk.file, note.title, true);
      this.touchLinksTo(chunk.file, note.title);
    } else if (note.title !== chunk.title) {
      this.nameNote(chunk.file, note.title, false);
      this.touchLinksTo(chunk.file, note.title);
      note.title = chunk.title;
      this.nameNote(chunk.file, note.title, true);
      this.touchLinksTo(chunk.file, note.title);
    }
    note.ids.add(chunk.id);
    this.dirty.add(chunk.file);
    this.countHeadings(chunk, 1);
    if (chunk.links && chunk.links.length > 0) {
      const linking = { ...chunk, links: chunk.links };
      this.linking.set(chunk.id, linking);
      for (const key of linkKeys(linking)) addTo(this.inbound, key, chunk.id);
      this.touchTargets(linking);
    }
  }

  addAll(chunks: Iterable<IndexedText>): void {
    for (const chunk of chunks) this.add(chunk);
  }

  remove(id: string): void {
    const chunk = this.chunks.get(id);
    if (!chunk) return;
    const linking = this.linking.get(id);
    if (linking) {
      this.touchTargets(linking);
      for (const key of linkKeys(linking)) deleteFrom(this.inbound, key, id);
      this.linking.delete(id);
    }
    this.chunks.delete(id);
    this.countHeadings(chunk, -1);
    const note = this.notes.get(chunk.file);
    note?.ids.delete(id);
    if (note && note.ids.size === 0) {
      this.notes.delete(chunk.file);
      this.nameNote(chunk.file, note.title, false);
      this.touchLinksTo(chunk.file, note.title);
    }
    this.dirty.add(chunk.file);
  }

  /**
   * Titles and headings are where notes often define an abbreviation (`## Horizontal Pod
   * Autoscaler (HPA)`): each distinct one of a note is a text the abbreviations learn from,
   * for as long as a chunk of the note sits under it.
   */
  private countHeadings(chunk: IndexedText, by: 1 | -1): void {
    const abbreviations = this.keyword.abbreviations;
    let counts = this.headings.get(chunk.file);
    if (!counts) {
      counts = new Map();
      this.headings.set(chunk.file, counts);
    }
    for (const heading of new Set([chunk.title, ...chunk.sectionPath])) {
      const n = (counts.get(heading) ?? 0) + by;
      if (n > 0) counts.set(heading, n);
      else counts.delete(heading);
      const id = () => `\u0000heading\u0000${chunk.file}\u0000${heading}`;
      if (n === 1 && by === 1) abbreviations.add(id(), heading);
      if (n === 0) abbreviations.remove(id());
    }
    if (counts.size === 0) this.headings.delete(chunk.file);
  }

  /** The note a chunk belongs to. */
  fileOf(id: string): string | undefined {
    return this.chunks.get(id)?.file;
  }

  /** The chunk's section path (headings above it, outermost first). */
  sectionOf(id: string): readonly string[] {
    return this.chunks.get(id)?.sectionPath ?? [];
  }

  /** All of a note's chunk ids, pointer lines included (no copy: do not hold on to it). */
  idsOf(file: string): ReadonlySet<string> {
    return this.notes.get(file)?.ids ?? new Set();
  }

  /** A note's answerable chunks (pointer lines left out), in document order. */
  chunksOf(file: string): string[] {
    const note = this.notes.get(file);
    if (!note) return [];
    return [...note.ids].filter((id) => (this.chunks.get(id)?.text ?? "") !== "");
  }

  /** The best notes for a query, best first. */
  search(query: string, k: number): NoteHit[] {
    this.refresh();
    const hits = this.keyword.search(query, k);
    const byTitle = new Map(
      this.titles
        .coverageOf(
          query,
          hits.map((h) => h.id),
        )
        .map((c) => [c.id, c.coverage]),
    );
    const asked = new Set(this.keyword.queryTerms(query).map((q) => q.term));
    return hits.map(({ id, ...rest }) => ({
      file: id,
      ...rest,
      titleMatch: (byTitle.get(id) ?? 0) * this.shareIn(this.titleTerms.get(id) ?? [], asked),
      folderMatch: this.shareIn(this.folderTerms.get(id) ?? [], asked),
    }));
  }

  /** IDF-weighted share of `terms` (a note's title or folder words) that the question contains. */
  private shareIn(terms: readonly string[], asked: ReadonlySet<string>): number {
    let all = 0;
    let found = 0;
    // IDF now, not at indexing: it moves with every ingest, and only a search's hits need it.
    for (const t of terms) {
      const w = this.weights.termIdf(t);
      all += w;
      if (asked.has(t)) found += w;
    }
    return all > 0 ? found / all : 0;
  }

  /** The words of the query no note contains (see KeywordIndex.unseen). */
  unseen(query: string): UnseenWords {
    this.refresh();
    return this.keyword.unseen(query);
  }

  private refresh(): void {
    for (const file of this.dirty) {
      const note = this.notes.get(file);
      if (!note) {
        this.keyword.remove(file);
        this.titles.remove(file);
        this.titleTerms.delete(file);
        this.folderTerms.delete(file);
        continue;
      }
      this.titles.add({ id: file, text: note.title });
      this.titleTerms.set(file, [...new Set(analyze(note.title))]);
      this.folderTerms.set(file, [...new Set(analyze(file.split("/").slice(0, -1).join("\n")))]);
      const anchors = this.anchorsOf(file, note.title);
      const { text, parts } = noteDocument(file, note, this.chunks, anchors, this.analyzed);
      this.keyword.addComposite(file, text, parts, this.analyzed);
    }
    this.dirty.clear();
  }

  /**
   * The anchor text of the links to a note: each distinct wording once, so an index that
   * lists every note, or a note linking to the same place ten times, adds a name, not weight.
   */
  private anchorsOf(file: string, title: string): string[] {
    const ids = new Set<string>();
    for (const key of [file, ...wikiKeys(file, title)]) {
      for (const id of this.inbound.get(key) ?? []) ids.add(id);
    }
    const anchors = new Map<string, string>();
    const named = (text: string) => text.toLowerCase().replace(/\s+/g, " ").trim();
    const own = named(title);
    for (const id of ids) {
      const chunk = this.linking.get(id);
      if (!chunk) continue;
      for (const link of chunk.links) {
        if (this.resolve(chunk.file, link) !== file) continue;
        const key = named(link.text);
        if (key !== own && !anchors.has(key)) anchors.set(key, link.text);
      }
    }
    return [...anchors.values()];
  }

  /**
   * The note a link points to: a path relative to the linking note's folder, else to the
   * vault's root (with `.md` added when the link leaves it out); a wiki link by file name,
   * then by title, nearest folder first. Never the linking note itself (a table of contents).
   */
  private resolve(from: string, link: NoteLink): string | undefined {
    for (const candidate of pathCandidates(from, link)) {
      if (this.notes.has(candidate)) return candidate === from ? undefined : candidate;
    }
    if (!link.wiki) return undefined;
    const named = this.byName.get(link.target.toLowerCase());
    if (!named) return undefined;
    const dir = path.posix.dirname(from);
    let best: string | undefined;
    for (const file of named) {
      if (file === from) continue;
      const near = path.posix.dirname(file) === dir;
      const bestNear = best !== undefined && path.posix.dirname(best) === dir;
      if (best === undefined || (near && !bestNear) || (near === bestNear && file < best)) {
        best = file;
      }
    }
    return best;
  }

  /** Marks the notes a chunk's links point to now: their documents change with it. */
  private touchTargets(chunk: IndexedText & { links: readonly NoteLink[] }): void {
    for (const link of chunk.links) {
      const target = this.resolve(chunk.file, link);
      if (target !== undefined) this.dirty.add(target);
    }
  }

  /**
   * A note appeared, disappeared or was renamed: links that name it may now point elsewhere
   * (a relative path shadowing a root one, a wiki name shared by two notes), so every note
   * those links could reach is rebuilt.
   */
  private touchLinksTo(file: string, title: string): void {
    for (const key of [file, ...wikiKeys(file, title)]) {
      for (const id of this.inbound.get(key) ?? []) {
        const chunk = this.linking.get(id);
        if (!chunk) continue;
        for (const link of chunk.links) {
          for (const k of linkKeysOf(chunk.file, link)) {
            if (!k.startsWith(WIKI)) {
              if (this.notes.has(k)) this.dirty.add(k);
            } else for (const f of this.byName.get(k.slice(WIKI.length)) ?? []) this.dirty.add(f);
          }
        }
      }
    }
  }

  private nameNote(file: string, title: string, add: boolean): void {
    for (const key of wikiKeys(file, title)) {
      const name = key.slice(WIKI.length);
      if (add) addTo(this.byName, name, file);
      else deleteFrom(this.byName, name, file);
    }
  }
}

/** Prefix of a wiki name's key in the inbound map (no note path starts with it). */
const WIKI = "\u0000";

function wikiKeys(file: string, title: string): string[] {
  const base = path.posix
    .basename(file)
    .replace(/\.(md|markdown)$/i, "")
    .toLowerCase();
  const named = title.toLowerCase();
  return named === base ? [WIKI + base] : [WIKI + base, WIKI + named];
}

/** Where a link may point, as note paths (most specific first). */
function pathCandidates(from: string, link: NoteLink): string[] {
  if (link.wiki && !link.target.includes("/")) return [];
  const target = link.target.replace(/\\/g, "/");
  const bases = link.wiki ? [target] : [path.posix.join(path.posix.dirname(from), target), target];
  const out: string[] = [];
  for (const base of bases) {
    const p = path.posix.normalize(base).replace(/^(\.\/|\/)+/, "");
    if (p === "" || p.startsWith("../")) continue;
    out.push(p);
    if (!/\.(md|markdown)$/i.test(p)) out.push(`${p}.md`);
  }
  return out;
}

/** The inbound keys of one link: its path candidates, and its wiki name. */
function linkKeysOf(from: string, link: NoteLink): string[] {
  const keys = pathCandidates(from, link);
  if (link.wiki) keys.push(WIKI + link.target.toLowerCase());
  return keys;
}

function linkKeys(chunk: IndexedText & { links: readonly NoteLink[] }): Set<string> {
  const keys = new Set<string>();
  for (const link of chunk.links) for (const k of linkKeysOf(chunk.file, link)) keys.add(k);
  return keys;
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

function deleteFrom(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

/**
 * A note as one document: the folders of its path (a topic: `unix/`, `git/`), its title, each
 * distinct heading once, the words of every item (pointer lines are empty already), and what
 * other notes' links call it. Items the chunk index holds (`analyzed`) are named in `parts`,
 * to reuse their analysis; the rest is `text`. Both together are what joining every text by
 * line breaks would index.
 */
function noteDocument(
  file: string,
  note: NoteEntry,
  chunks: ReadonlyMap<string, IndexedText>,
  anchors: readonly string[],
  analyzed: KeywordIndex,
): { text: string; parts: string[] } {
  const folders = file.split("/").slice(0, -1);
  const headings = new Set<string>();
  const texts: string[] = [];
  const parts: string[] = [];
  for (const id of note.ids) {
    const chunk = chunks.get(id);
    if (!chunk) continue;
    for (const h of chunk.sectionPath) headings.add(h);
    if (chunk.text === "") continue;
    if (analyzed.has(id)) parts.push(id);
    else texts.push(chunk.text);
  }
  return { text: [...folders, note.title, ...headings, ...texts, ...anchors].join("\n"), parts };
}

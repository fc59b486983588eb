// Every relative link in the repository's Markdown must lead somewhere: a file or folder that is
// committed and, for `file.md#part`, a heading of that file. Documentation moves between READMEs
// and docs/, and a link left pointing at the old place is the first thing a reader trips over.
import GithubSlugger from 'github-slugger';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { toString } from 'mdast-util-to-string';
import path from 'node:path';
import { visit } from 'unist-util-visit';

export interface BrokenLink {
  readonly file: string;
  readonly line: number;
  readonly target: string;
  readonly reason: string;
}

/** A link with a scheme (`https:`, `mailto:`) or to another host is not ours to check. */
const EXTERNAL = /^([a-z][a-z0-9+.-]*:|\/\/)/i;

export function isMarkdownFile(file: string): boolean {
  return file.endsWith('.md');
}

/**
 * The broken relative links of `files` (repository paths with `/`), judged against the same set
 * of files. `read` gives a Markdown file's text.
 */
export function findBrokenLinks(
  files: readonly string[],
  read: (file: string) => string,
): BrokenLink[] {
  const known = new Set(files);
  const folders = new Set(files.flatMap((file) => parentFolders(file)));
  const anchors = new Map<string, Set<string>>();
  const anchorsOf = (file: string) => {
    let found = anchors.get(file);
    if (found === undefined) {
      found = headingAnchors(read(file));
      anchors.set(file, found);
    }
    return found;
  };

  const broken: BrokenLink[] = [];
  for (const file of files.filter(isMarkdownFile)) {
    const tree = fromMarkdown(read(file));
    visit(tree, (node) => {
      if (node.type !== 'link' && node.type !== 'image' && node.type !== 'definition') return;
      const target = node.url;
      if (target === '' || EXTERNAL.test(target)) return;
      const report = (reason: string) =>
        broken.push({ file, line: node.position?.start.line ?? 0, target, reason });

      const hash = target.indexOf('#');
      const pathPart = safeDecode(hash === -1 ? target : target.slice(0, hash));
      const anchor = hash === -1 ? undefined : safeDecode(target.slice(hash + 1));
      const resolved =
        pathPart === ''
          ? file
          : path.posix.normalize(
              pathPart.startsWith('/')
                ? pathPart.slice(1)
                : path.posix.join(path.posix.dirname(file), pathPart),
            );
      const asFolder = resolved.replace(/\/$/, '');
      if (!known.has(resolved) && !folders.has(asFolder)) {
        report(`${resolved} is not in the repository`);
        return;
      }
      if (anchor !== undefined && anchor !== '' && isMarkdownFile(resolved)) {
        if (!anchorsOf(resolved).has(anchor.toLowerCase())) {
          report(`${resolved} has no heading #${anchor}`);
        }
      }
    });
  }
  return broken;
}

/** The anchors GitHub gives a file's headings (`## Run it` -> `run-it`, repeats get `-1`, ...). */
export function headingAnchors(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const found = new Set<string>();
  visit(fromMarkdown(markdown), 'heading', (heading) => {
    found.add(slugger.slug(toString(heading)));
  });
  return found;
}

function parentFolders(file: string): string[] {
  const parts = file.split('/');
  return parts.slice(1).map((_part, index) => parts.slice(0, index + 1).join('/'));
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

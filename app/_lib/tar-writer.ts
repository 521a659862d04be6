/**
 * A folder chosen in the browser as a tar (POSIX ustar, with a PAX header for names over 100 bytes), made of Blob
 * slices: the files' bytes are not read into memory, the browser streams them when the upload is sent.
 */

export interface TarFile {
  /** path inside the archive, "/"-separated, relative */
  path: string;
  data: Blob;
  /** seconds since the epoch */
  mtime: number;
}

const encoder = new TextEncoder();
const BLOCK = 512;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, "0") + "\0";
}

function header(name: string, size: number, mtime: number, type: "0" | "x"): Uint8Array<ArrayBuffer> {
  const block = new Uint8Array(BLOCK);
  const put = (text: string, offset: number, width: number) => block.set(encoder.encode(text).slice(0, width), offset);
  put(name, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(Math.max(0, Math.floor(mtime)), 12), 136, 12);
  put("        ", 148, 8);
  put(type, 156, 1);
  put("ustar\x0000", 257, 8);
  const sum = block.reduce((total, byte) => total + byte, 0);
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
  return block;
}

function padding(size: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array((BLOCK - (size % BLOCK)) % BLOCK);
}

/** A PAX record "<len> path=<name>\n", where <len> counts itself. */
function paxPath(name: string): Uint8Array<ArrayBuffer> {
  const body = ` path=${name}\n`;
  let length = encoder.encode(body).length + 1;
  while (`${length}${body}`.length !== length) length = encoder.encode(`${length}${body}`).length;
  return encoder.encode(`${length}${body}`) as Uint8Array<ArrayBuffer>;
}

export function tarOf(files: TarFile[]): Blob {
  const parts: BlobPart[] = [];
  for (const file of files) {
    if (encoder.encode(file.path).length > 100) {
      const pax = paxPath(file.path);
      parts.push(header("PaxHeader", pax.length, file.mtime, "x"), pax, padding(pax.length));
    }
    parts.push(header(file.path, file.data.size, file.mtime, "0"), file.data, padding(file.data.size));
  }
  parts.push(new Uint8Array(BLOCK * 2));
  return new Blob(parts, { type: "application/x-tar" });
}

/** The files of an `<input webkitdirectory>`, relative to the chosen folder (its own name left out). */
export function folderFiles(list: FileList): { name: string; files: TarFile[] } {
  const all = Array.from(list);
  const first = all[0]?.webkitRelativePath ?? "";
  const root = first.includes("/") ? first.slice(0, first.indexOf("/") + 1) : "";
  return {
    name: root.replace(/\/$/, "") || "folder",
    files: all.map((file) => ({
      path: (file.webkitRelativePath || file.name).slice(root.length),
      data: file,
      mtime: file.lastModified / 1000,
    })),
  };
}

/** A small multipart/form-data reader for the uploads @discordjs/rest sends (files[n] + payload_json). */

export interface UploadedFile {
  /** The form field, e.g. `files[0]`. */
  readonly field: string;
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
  readonly data: Buffer;
}

export interface MultipartBody {
  readonly fields: Record<string, string>;
  readonly files: UploadedFile[];
}

function headerParam(header: string, param: string): string | undefined {
  const match = new RegExp(`${param}="([^"]*)"`, "i").exec(header);
  return match?.[1];
}

export function parseMultipart(body: Buffer, contentType: string): MultipartBody {
  const boundaryMatch = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = boundaryMatch?.[1] ?? boundaryMatch?.[2];
  if (!boundary) throw new Error("multipart body without a boundary");
  const delimiter = Buffer.from(`--${boundary}`);
  const fields: Record<string, string> = {};
  const files: UploadedFile[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const partStart = start + delimiter.length;
    // "--" right after the delimiter closes the body.
    if (body.subarray(partStart, partStart + 2).toString() === "--") break;
    const next = body.indexOf(delimiter, partStart);
    if (next === -1) break;
    // Each part: CRLF, headers, CRLF CRLF, data, CRLF before the next delimiter.
    const part = body.subarray(partStart + 2, next - 2);
    const headerEnd = part.indexOf("\r\n\r\n");
    const headers = part.subarray(0, headerEnd).toString("utf8");
    const data = part.subarray(headerEnd + 4);
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? "";
    const name = headerParam(disposition, "name") ?? "";
    const filename = headerParam(disposition, "filename");
    if (filename === undefined) {
      fields[name] = data.toString("utf8");
    } else {
      const type = /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1]?.trim() ?? "";
      files.push({
        field: name,
        name: filename,
        contentType: type,
        size: data.length,
        data: Buffer.from(data),
      });
    }
    start = next;
  }
  return { fields, files };
}

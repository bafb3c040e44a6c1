// Downloads guest image files in HTTP Range requests (RFC 9110 section 14) so progress is visible and a
// large image never needs one huge response; the catalog's size and sha256 are checked.

export const CHUNK_SIZE = 256 * 1024;

/**
 * Fetches one catalog file ({url, size, sha256?}) chunk by chunk.
 * @param {{url: string, size: number, sha256?: string}} file
 * @param {(bytesDone: number) => void} onProgress called after every chunk with this file's bytes so far
 * @returns {Promise<ArrayBuffer>}
 */
export async function fetchInRanges(file, onProgress, chunkSize = CHUNK_SIZE) {
    const size = file.size;
    if (!Number.isSafeInteger(size) || size < 0) throw new Error(`${file.url}: bad size ${size} in the catalog`);
    const bytes = new Uint8Array(size);
    let done = 0;
    while (done < size) {
        const last = Math.min(done + chunkSize, size) - 1;
        const response = await fetch(file.url, { headers: { Range: `bytes=${done}-${last}` } });
        if (response.status === 200) {
            // A server may ignore Range (section 14.2): then the body is the whole representation.
            const whole = new Uint8Array(await response.arrayBuffer());
            if (whole.length !== size) throw new Error(`${file.url}: ${whole.length} bytes, catalog says ${size}`);
            bytes.set(whole);
            done = size;
        } else if (response.status === 206) {
            checkContentRange(file, response.headers.get('Content-Range'), done, last);
            const part = new Uint8Array(await response.arrayBuffer());
            if (part.length !== last - done + 1) {
                throw new Error(`${file.url}: asked for ${last - done + 1} bytes at ${done}, got ${part.length}`);
            }
            bytes.set(part, done);
            done = last + 1;
        } else {
            throw new Error(`${file.url}: HTTP ${response.status} ${response.statusText}`);
        }
        onProgress(done);
    }
    if (file.sha256) await checkSha256(file, bytes);
    return bytes.buffer;
}

/** The 206's Content-Range (section 14.4) must describe exactly the range asked for, of the catalog's size. */
function checkContentRange(file, header, first, last) {
    const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header || '');
    if (!match) throw new Error(`${file.url}: 206 without a usable Content-Range (${header})`);
    if (Number(match[1]) !== first || Number(match[2]) !== last) {
        throw new Error(`${file.url}: asked for bytes ${first}-${last}, got ${match[1]}-${match[2]}`);
    }
    if (match[3] !== '*' && Number(match[3]) !== file.size) {
        throw new Error(`${file.url}: the file has ${match[3]} bytes, the catalog says ${file.size}`);
    }
}

async function checkSha256(file, bytes) {
    if (!globalThis.crypto || !crypto.subtle) return;  // not a secure context (plain http to a remote host)
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    const hex = Array.from(digest, b => b.toString(16).padStart(2, '0')).join('');
    if (hex !== file.sha256.toLowerCase()) {
        throw new Error(`${file.url}: SHA-256 ${hex} does not match the catalog's ${file.sha256}`);
    }
}

/** "1.5 MiB" style sizes. */
export function formatBytes(n) {
    if (n < 1024) return n + ' B';
    if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KiB';
    return (n / (1024 * 1024)).toFixed(2) + ' MiB';
}

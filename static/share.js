// Share links: upload a snapshot of the machine (POST /api/snapshots, with upload progress) and, for a page opened
// at /s/{id}, find what that snapshot needs: its metadata, the catalog image with the same kernel and initrd
// (by SHA-256; a snapshot names its images by content, never by path) and the snapshot bytes.
import { fetchInRanges } from './image-loader.js';

/** Snapshot ids are 22 URL-safe base64 characters (128 random bits). */
const SHARE_PATH = /^\/s\/([A-Za-z0-9_-]{22})\/?$/;

/** The snapshot id of a share link's path (/s/{id}), or null. */
export function shareIdFromPath(pathname) {
    const match = SHARE_PATH.exec(pathname);
    return match ? match[1] : null;
}

/**
 * Uploads a snapshot. XMLHttpRequest, not fetch: only it reports upload progress.
 * @param {ArrayBuffer} bytes the snapshot file
 * @param {{title?: string, parent?: string|null}} about optional title and the id of the snapshot this one continues
 * @param {(sent: number, total: number) => void} onProgress
 * @returns {Promise<{id: string, url: string}>} url is the absolute share link
 */
export function uploadSnapshot(bytes, about, onProgress) {
    return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        const query = new URLSearchParams();
        if (about.title) query.set('title', about.title);
        if (about.parent) query.set('parent', about.parent);
        const q = query.toString();
        xhr.open('POST', 'api/snapshots' + (q ? '?' + q : ''));
        xhr.setRequestHeader('Content-Type', 'application/octet-stream');
        xhr.responseType = 'json';
        xhr.upload.onprogress = event => onProgress(event.loaded, event.lengthComputable ? event.total : bytes.byteLength);
        xhr.onload = () => {
            const body = xhr.response;
            if (xhr.status === 201 && body && typeof body.id === 'string' && typeof body.url === 'string') {
                onProgress(bytes.byteLength, bytes.byteLength);
                resolve({ id: body.id, url: new URL(body.url, location.origin).href });
            } else {
                const why = body && body.error ? body.error : xhr.statusText || 'no answer';
                reject(new Error(`upload refused: HTTP ${xhr.status}: ${why}`));
            }
        };
        xhr.onerror = () => reject(new Error('upload failed: the server could not be reached'));
        xhr.ontimeout = () => reject(new Error('upload timed out'));
        xhr.send(bytes);
    });
}

/** GET /api/snapshots/{id}/meta: {id, title, parent, size, sha256, config: {memMb, boot, cmdline, kernelSha256, ...}}. */
export async function fetchSnapshotMeta(id) {
    const response = await fetch(`api/snapshots/${id}/meta`);
    if (response.status === 404) throw new Error(`there is no snapshot ${id} on this server (wrong or expired link)`);
    if (!response.ok) throw new Error(`snapshot ${id}: HTTP ${response.status}${await errorText(response)}`);
    return response.json();
}

async function errorText(response) {
    try {
        const body = await response.json();
        return body && body.error ? `: ${body.error}` : '';
    } catch (e) {
        return '';
    }
}

/** The snapshot bytes in ranged requests (progress, SHA-256 checked against the metadata). */
export function fetchSnapshotBytes(meta, onProgress) {
    return fetchInRanges({ url: `api/snapshots/${meta.id}`, size: meta.size, sha256: meta.sha256 }, onProgress);
}

/**
 * The catalog image whose kernel and initrd are the ones the snapshot was taken with, or an Error saying why
 * none is. Only Linux guests booted by the boot protocol resume in the page.
 */
export function imageForSnapshot(catalog, meta) {
    const config = meta.config || {};
    if (config.boot !== 'linux' || config.platform !== 'pc') {
        return new Error(`snapshot ${meta.id} is of a ${config.boot || 'unknown'} boot; the page resumes Linux guests booted from a kernel`);
    }
    const same = (file, sha) => (file ? file.sha256 : undefined) === sha;
    const image = catalog.find(candidate => {
        const files = candidate.files || {};
        return same(files.kernel, config.kernelSha256) && same(files.initrd, config.initrdSha256);
    });
    return image || new Error(`this server has no guest image with the kernel (SHA-256 ${config.kernelSha256}) ` +
        `and initrd the snapshot was taken with`);
}

/** Puts text on the clipboard; false where the browser does not allow it (no secure context, no permission). */
export async function copyToClipboard(text) {
    try {
        if (!navigator.clipboard) return false;
        await navigator.clipboard.writeText(text);
        return true;
    } catch (e) {
        return false;
    }
}

/* A stand-in for WeCom's libWeWorkFinanceSdk_C.so with the same C functions and structs as
 * WeWorkFinanceSdk_C.h, so Siyu's ctypes binding is tested against a real shared library.
 * Data comes from $STUB_ARCHIVE_DIR: chatdata.txt ("SEQ<TAB>RECORD-JSON" lines) and media/FILEID.
 * Its "cipher" is XOR with the message key, hex-encoded: enough to prove the key is passed right. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct WeWorkFinanceSdk_t { int ready; } WeWorkFinanceSdk_t;
typedef struct Slice_t { char *buf; int len; } Slice_t;
typedef struct MediaData { char *outindexbuf; int out_len; char *data; int data_len; int is_finish; } MediaData_t;

static int live = 0; /* SDK objects not yet freed */
enum { CHUNK = 7 };

int StubLiveObjects(void) { return live; }

WeWorkFinanceSdk_t *NewSdk(void) { live++; return calloc(1, sizeof(WeWorkFinanceSdk_t)); }
void DestroySdk(WeWorkFinanceSdk_t *sdk) { if (sdk) { live--; free(sdk); } }
int Init(WeWorkFinanceSdk_t *sdk, const char *corpid, const char *secret) {
    if (!sdk || !corpid || !*corpid || !secret || !*secret) return 10000;
    if (strcmp(secret, "wrong-secret") == 0) return 10011;
    sdk->ready = 1;
    return 0;
}
Slice_t *NewSlice(void) { live++; return calloc(1, sizeof(Slice_t)); }
void FreeSlice(Slice_t *s) { if (s) { live--; free(s->buf); free(s); } }
char *GetContentFromSlice(Slice_t *s) { return s->buf; }
int GetSliceLen(Slice_t *s) { return s->len; }
MediaData_t *NewMediaData(void) { live++; return calloc(1, sizeof(MediaData_t)); }
void FreeMediaData(MediaData_t *m) { if (m) { live--; free(m->outindexbuf); free(m->data); free(m); } }
char *GetOutIndexBuf(MediaData_t *m) { return m->outindexbuf; }
char *GetData(MediaData_t *m) { return m->data; }
int GetIndexLen(MediaData_t *m) { return m->out_len; }
int GetDataLen(MediaData_t *m) { return m->data_len; }
int IsMediaDataFinish(MediaData_t *m) { return m->is_finish; }

static void set_slice(Slice_t *s, const char *text, int len) {
    free(s->buf);
    s->buf = malloc(len + 1);
    memcpy(s->buf, text, len);
    s->buf[len] = 0;
    s->len = len;
}

static FILE *open_data(const char *name) {
    const char *dir = getenv("STUB_ARCHIVE_DIR");
    char path[4096];
    if (!dir) return NULL;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return fopen(path, "rb");
}

int GetChatData(WeWorkFinanceSdk_t *sdk, unsigned long long seq, unsigned int limit, const char *proxy,
                const char *passwd, int timeout, Slice_t *out) {
    (void)proxy; (void)passwd;
    if (!sdk || !sdk->ready || !out || limit == 0 || limit > 1000 || timeout <= 0) return 10000;
    FILE *f = open_data("chatdata.txt");
    size_t cap = 1 << 16, used = 0;
    char *json = malloc(cap), line[1 << 14];
    used += sprintf(json, "{\"errcode\":0,\"errmsg\":\"ok\",\"chatdata\":[");
    unsigned int taken = 0;
    while (f && taken < limit && fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        if (!tab || strtoull(line, NULL, 10) <= seq) continue;
        char *record = tab + 1;
        record[strcspn(record, "\r\n")] = 0;
        size_t need = strlen(record) + 2;
        if (used + need + 8 > cap) { cap = (used + need + 8) * 2; json = realloc(json, cap); }
        used += sprintf(json + used, "%s%s", taken ? "," : "", record);
        taken++;
    }
    if (f) fclose(f);
    used += sprintf(json + used, "]}");
    set_slice(out, json, (int)used);
    free(json);
    return 0;
}

int DecryptData(const char *encrypt_key, const char *encrypt_msg, Slice_t *msg) {
    size_t keylen = encrypt_key ? strlen(encrypt_key) : 0, hexlen = encrypt_msg ? strlen(encrypt_msg) : 0;
    if (!keylen || !hexlen || hexlen % 2 || !msg) return 10000;
    char *plain = malloc(hexlen / 2 + 1);
    for (size_t i = 0; i < hexlen / 2; i++) {
        unsigned int byte;
        if (sscanf(encrypt_msg + 2 * i, "%2x", &byte) != 1) { free(plain); return 10002; }
        plain[i] = (char)(byte ^ (unsigned char)encrypt_key[i % keylen]);
    }
    if (plain[0] != '{') { free(plain); return 10006; }
    set_slice(msg, plain, (int)(hexlen / 2));
    free(plain);
    return 0;
}

int GetMediaData(WeWorkFinanceSdk_t *sdk, const char *indexbuf, const char *sdkfileid, const char *proxy,
                 const char *passwd, int timeout, MediaData_t *out) {
    (void)proxy; (void)passwd;
    if (!sdk || !sdk->ready || !out || !sdkfileid || timeout <= 0) return 10000;
    char name[4096];
    snprintf(name, sizeof name, "media/%s", sdkfileid);
    FILE *f = strchr(sdkfileid, '/') ? NULL : open_data(name);
    if (!f) return 10005;
    long offset = indexbuf && *indexbuf ? atol(indexbuf) : 0;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, offset, SEEK_SET);
    out->data = malloc(CHUNK);
    out->data_len = (int)fread(out->data, 1, CHUNK, f);
    fclose(f);
    offset += out->data_len;
    out->is_finish = offset >= size;
    out->outindexbuf = malloc(32);
    out->out_len = sprintf(out->outindexbuf, "%ld", offset);
    return 0;
}

/* Writes a HEIC the way an iPhone does: pixels stored as the sensor saw them, an irot/imir transform for display
 * (libheif's encoding option image_orientation), an EXIF block whose Orientation repeats it, and an optional ICC
 * profile. heif-enc 1.15 has no option for irot, hence this. Build: gcc mkheic.c -lheif -o mkheic
 * Use: mkheic in.ppm out.heic orientation quality [profile.icc or -] [exif.bin] */
#include <libheif/heif.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static void check(struct heif_error e, const char *what) {
  if (e.code) { fprintf(stderr, "%s: %s\n", what, e.message); exit(1); }
}
static unsigned char *slurp(const char *path, long *n) {
  FILE *f = fopen(path, "rb"); if (!f) { perror(path); exit(1); }
  fseek(f, 0, SEEK_END); *n = ftell(f); fseek(f, 0, SEEK_SET);
  unsigned char *b = malloc(*n); if (fread(b, 1, *n, f) != (size_t) *n) exit(1); fclose(f); return b;
}
int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage: mkheic in.ppm out.heic orientation quality [icc or -] [exif]\n"); return 2; }
  FILE *in = fopen(argv[1], "rb"); int w, h, max;
  if (!in || fscanf(in, "P6 %d %d %d", &w, &h, &max) != 3) { fprintf(stderr, "need a binary PPM\n"); return 1; }
  fgetc(in);
  struct heif_image *img;
  check(heif_image_create(w, h, heif_colorspace_RGB, heif_chroma_interleaved_RGB, &img), "create");
  check(heif_image_add_plane(img, heif_channel_interleaved, w, h, 8), "plane");
  int stride; uint8_t *p = heif_image_get_plane(img, heif_channel_interleaved, &stride);
  for (int y = 0; y < h; y++) if (fread(p + y * stride, 1, 3 * w, in) != (size_t) (3 * w)) return 1;
  if (argc > 5 && strcmp(argv[5], "-") != 0) { long n; unsigned char *icc = slurp(argv[5], &n);
    check(heif_image_set_raw_color_profile(img, "prof", icc, n), "icc"); }
  struct heif_context *ctx = heif_context_alloc();
  struct heif_encoder *enc;
  check(heif_context_get_encoder_for_format(ctx, heif_compression_HEVC, &enc), "encoder");
  check(heif_encoder_set_lossy_quality(enc, atoi(argv[4])), "quality");
  struct heif_encoding_options *opt = heif_encoding_options_alloc();
  opt->image_orientation = (enum heif_orientation) atoi(argv[3]);
  struct heif_image_handle *handle;
  check(heif_context_encode_image(ctx, img, enc, opt, &handle), "encode");
  if (argc > 6) { long n; unsigned char *exif = slurp(argv[6], &n);
    check(heif_context_add_exif_metadata(ctx, handle, exif, (int) n), "exif"); }
  check(heif_context_write_to_file(ctx, argv[2]), "write");
  return 0;
}

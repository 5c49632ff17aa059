#!/usr/bin/env bash
# Makes the two sample HLS titles committed under media/: demo (test pattern) and premium
# (colour bars), each 12 s of H.264/AAC in fragmented MP4 with 2 s segments.
# Only needed to remake them; `npm start` serves the committed files and needs no ffmpeg.
#
#   scripts/make-media.sh [OUT_DIR]      (default: media/ beside this script's folder)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-media}"
seconds=12
font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf

command -v ffmpeg >/dev/null 2>&1 || { echo "make-media: ffmpeg is not installed (apt-get install ffmpeg)" >&2; exit 1; }
[ -f "$font" ] || { echo "make-media: font $font is missing (apt-get install fonts-dejavu-core)" >&2; exit 1; }

make_title() {
  local name="$1" source="$2" label="$3" tone="$4"
  local dir="$out/$name"
  rm -rf "$dir"
  mkdir -p "$dir"
  # Keyframe every 2 s (GOP 50 at 25 fps, no scene-cut keyframes) so every segment is exactly
  # 2 s and starts with a keyframe, which is what HLS players seek to.
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "${source}=size=640x360:rate=25" \
    -f lavfi -i "sine=frequency=${tone}:sample_rate=44100" \
    -t "$seconds" \
    -vf "drawtext=fontfile=${font}:text='${label}':fontsize=44:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=12:x=(w-text_w)/2:y=h-text_h-40,drawtext=fontfile=${font}:text='%{pts\\:hms}':fontsize=28:fontcolor=yellow:box=1:boxcolor=black@0.6:boxborderw=8:x=20:y=20" \
    -c:v libx264 -profile:v main -pix_fmt yuv420p -preset veryfast -crf 32 \
    -g 50 -keyint_min 50 -sc_threshold 0 \
    -c:a aac -b:a 48k -ac 2 \
    -map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact \
    -f hls -hls_time 2 -hls_playlist_type vod -hls_segment_type fmp4 \
    -hls_fmp4_init_filename init.mp4 \
    -hls_segment_filename "$dir/seg-%03d.m4s" \
    "$dir/index.m3u8"
  echo "make-media: $dir ($(du -sk "$dir" | cut -f1) KB, $(ls "$dir" | grep -c '\.m4s$') segments)"
}

make_title demo testsrc2 'edge-auth demo' 440
make_title premium smptebars 'edge-auth PREMIUM' 660

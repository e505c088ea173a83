-- name: InsertEverything :exec
INSERT INTO everything (
  id, i2, i4, i8, f4, f8, num, cash, flag, txt, vc, ch, ci, uid, ip, net, mac, tsv, bits,
  tstz, ts, d, t, ttz, iv, bin, js, jsb, m, moods, st, sts, addr, addrs, i4r, tstzr, dr, hs,
  cis, i4s, i8s, nums, txts, tstzs, ds, bools, jsbs, uids, grid
) VALUES (
  @id, @i2, @i4, @i8, @f4, @f8, @num, @cash, @flag, @txt, @vc, @ch, @ci, @uid, @ip, @net,
  @mac, @tsv, @bits, @tstz, @ts, @d, @t, @ttz, @iv, @bin, @js, @jsb, @m, @moods, @st, @sts,
  @addr, @addrs, @i4r, @tstzr, @dr, @hs, @cis, @i4s, @i8s, @nums, @txts, @tstzs, @ds,
  @bools, @jsbs, @uids, @grid
);

-- name: GetEverything :one
SELECT * FROM everything WHERE id = @id;

-- name: CopyEverything :copyfrom
INSERT INTO everything (
  id, i2, i4, i8, f4, f8, num, cash, flag, txt, vc, ch, ci, uid, ip, net, mac, tsv, bits,
  tstz, ts, d, t, ttz, iv, bin, js, jsb, m, moods, st, sts, addr, addrs, i4r, tstzr, dr, hs,
  cis, i4s, i8s, nums, txts, tstzs, ds, bools, jsbs, uids, grid
) VALUES (
  @id, @i2, @i4, @i8, @f4, @f8, @num, @cash, @flag, @txt, @vc, @ch, @ci, @uid, @ip, @net,
  @mac, @tsv, @bits, @tstz, @ts, @d, @t, @ttz, @iv, @bin, @js, @jsb, @m, @moods, @st, @sts,
  @addr, @addrs, @i4r, @tstzr, @dr, @hs, @cis, @i4s, @i8s, @nums, @txts, @tstzs, @ds,
  @bools, @jsbs, @uids, @grid
);

-- name: CountEverything :one
SELECT count(*) AS total FROM everything;

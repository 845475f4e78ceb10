package io.facegate.modelimport;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.IntStream;

/**
 * Straightforward plain-Java implementations of the TFLite ops, written from the op definitions
 * (NHWC activations, OHWI conv filters, [1,H,W,C*M] depthwise filters, [out,in] dense weights).
 */
final class ReferenceOps {
  private ReferenceOps() {}

  /** Output size and leading padding of one spatial dimension, as TFLite computes them. */
  private static int[] window(int in, int kernel, int stride, int dilation, boolean same) {
    int effective = (kernel - 1) * dilation + 1;
    int out = same ? (in + stride - 1) / stride : (in - effective) / stride + 1;
    int pad = same ? Math.max(0, ((out - 1) * stride + effective - in) / 2) : 0;
    return new int[] {out, pad};
  }

  static Nd conv2d(Nd x, Nd w, Nd bias, int sh, int sw, int dh, int dw, boolean same) {
    int n = x.dim(0), h = x.dim(1), wd = x.dim(2), c = x.dim(3);
    int o = w.dim(0), kh = w.dim(1), kw = w.dim(2);
    int[] ry = window(h, kh, sh, dh, same);
    int[] rx = window(wd, kw, sw, dw, same);
    Nd y = Nd.zeros(n, ry[0], rx[0], o);
    for (int b = 0; b < n; b++) {
      for (int oy = 0; oy < ry[0]; oy++) {
        for (int ox = 0; ox < rx[0]; ox++) {
          for (int oc = 0; oc < o; oc++) {
            double acc = bias == null ? 0 : bias.data()[oc];
            for (int ky = 0; ky < kh; ky++) {
              int iy = oy * sh - ry[1] + ky * dh;
              for (int kx = 0; kx < kw; kx++) {
                int ix = ox * sw - rx[1] + kx * dw;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) {
                  continue;
                }
                for (int ic = 0; ic < c; ic++) {
                  acc += x.data()[((b * h + iy) * wd + ix) * c + ic] * w.data()[((oc * kh + ky) * kw + kx) * c + ic];
                }
              }
            }
            y.data()[((b * ry[0] + oy) * rx[0] + ox) * o + oc] = (float) acc;
          }
        }
      }
    }
    return y;
  }

  static Nd depthwiseConv2d(Nd x, Nd w, Nd bias, int sh, int sw, int dh, int dw, boolean same) {
    int n = x.dim(0), h = x.dim(1), wd = x.dim(2), c = x.dim(3);
    int kh = w.dim(1), kw = w.dim(2), oc = w.dim(3), m = oc / c;
    int[] ry = window(h, kh, sh, dh, same);
    int[] rx = window(wd, kw, sw, dw, same);
    Nd y = Nd.zeros(n, ry[0], rx[0], oc);
    for (int b = 0; b < n; b++) {
      for (int oy = 0; oy < ry[0]; oy++) {
        for (int ox = 0; ox < rx[0]; ox++) {
          for (int ic = 0; ic < c; ic++) {
            for (int k = 0; k < m; k++) {
              int ch = ic * m + k;
              double acc = bias == null ? 0 : bias.data()[ch];
              for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                  int iy = oy * sh - ry[1] + ky * dh;
                  int ix = ox * sw - rx[1] + kx * dw;
                  if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                    acc += x.data()[((b * h + iy) * wd + ix) * c + ic] * w.data()[(ky * kw + kx) * oc + ch];
                  }
                }
              }
              y.data()[((b * ry[0] + oy) * rx[0] + ox) * oc + ch] = (float) acc;
            }
          }
        }
      }
    }
    return y;
  }

  static Nd fullyConnected(Nd x, Nd w, Nd bias, boolean keepNumDims) {
    int units = w.dim(0), depth = w.dim(1), rows = x.data().length / depth;
    float[] y = new float[rows * units];
    for (int r = 0; r < rows; r++) {
      for (int u = 0; u < units; u++) {
        double acc = bias == null ? 0 : bias.data()[u];
        for (int d = 0; d < depth; d++) {
          acc += x.data()[r * depth + d] * w.data()[u * depth + d];
        }
        y[r * units + u] = (float) acc;
      }
    }
    int[] shape = new int[] {rows, units};
    if (keepNumDims) {
      shape = x.shape().clone();
      shape[shape.length - 1] = units;
    }
    return new Nd(shape, y);
  }

  static Nd maxPool(Nd x, int fh, int fw, int sh, int sw, boolean same) {
    int n = x.dim(0), h = x.dim(1), wd = x.dim(2), c = x.dim(3);
    int[] ry = window(h, fh, sh, 1, same);
    int[] rx = window(wd, fw, sw, 1, same);
    Nd y = Nd.zeros(n, ry[0], rx[0], c);
    for (int b = 0; b < n; b++) {
      for (int oy = 0; oy < ry[0]; oy++) {
        for (int ox = 0; ox < rx[0]; ox++) {
          for (int ch = 0; ch < c; ch++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int ky = 0; ky < fh; ky++) {
              for (int kx = 0; kx < fw; kx++) {
                int iy = oy * sh - ry[1] + ky;
                int ix = ox * sw - rx[1] + kx;
                if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                  max = Math.max(max, x.data()[((b * h + iy) * wd + ix) * c + ch]);
                }
              }
            }
            y.data()[((b * ry[0] + oy) * rx[0] + ox) * c + ch] = max;
          }
        }
      }
    }
    return y;
  }

  static Nd map(Nd x, DoubleUnaryOperator f) {
    float[] y = new float[x.data().length];
    for (int i = 0; i < y.length; i++) {
      y[i] = (float) f.applyAsDouble(x.data()[i]);
    }
    return new Nd(x.shape(), y);
  }

  /** Element-wise with NumPy broadcasting (shapes aligned at the right, size-1 dims stretch). */
  static Nd broadcast(Nd a, Nd b, DoubleBinaryOperator f) {
    int rank = Math.max(a.rank(), b.rank());
    int[] shape = new int[rank];
    int[] sa = pad(a.shape(), rank);
    int[] sb = pad(b.shape(), rank);
    for (int i = 0; i < rank; i++) {
      if (sa[i] != sb[i] && sa[i] != 1 && sb[i] != 1) {
        throw new IllegalArgumentException("cannot broadcast " + Arrays.toString(a.shape()) + " with " + Arrays.toString(b.shape()));
      }
      shape[i] = Math.max(sa[i], sb[i]);
    }
    Nd y = Nd.zeros(shape);
    int[] index = new int[rank];
    for (int i = 0; i < y.data().length; i++) {
      int rest = i;
      for (int d = rank - 1; d >= 0; d--) {
        index[d] = rest % shape[d];
        rest /= shape[d];
      }
      y.data()[i] = (float) f.applyAsDouble(a.data()[flat(index, sa)], b.data()[flat(index, sb)]);
    }
    return y;
  }

  private static int[] pad(int[] shape, int rank) {
    int[] padded = new int[rank];
    Arrays.fill(padded, 1);
    System.arraycopy(shape, 0, padded, rank - shape.length, shape.length);
    return padded;
  }

  private static int flat(int[] index, int[] shape) {
    int offset = 0;
    for (int d = 0; d < shape.length; d++) {
      offset = offset * shape[d] + (shape[d] == 1 ? 0 : index[d]);
    }
    return offset;
  }

  /** SUM (max=false) or REDUCE_MAX (max=true) over the given axes. */
  static Nd reduce(Nd x, int[] axes, boolean keepDims, boolean max) {
    int rank = x.rank();
    boolean[] reduced = new boolean[rank];
    for (int a : axes) {
      reduced[(a + rank) % rank] = true;
    }
    int[] kept = new int[rank];
    for (int d = 0; d < rank; d++) {
      kept[d] = reduced[d] ? 1 : x.dim(d);
    }
    float[] y = new float[Nd.size(kept)];
    Arrays.fill(y, max ? Float.NEGATIVE_INFINITY : 0f);
    int[] index = new int[rank];
    for (int i = 0; i < x.data().length; i++) {
      int rest = i;
      for (int d = rank - 1; d >= 0; d--) {
        index[d] = reduced[d] ? 0 : rest % x.dim(d);
        rest /= x.dim(d);
      }
      int o = flat(index, kept);
      y[o] = max ? Math.max(y[o], x.data()[i]) : y[o] + x.data()[i];
    }
    if (keepDims) {
      return new Nd(kept, y);
    }
    return new Nd(IntStream.range(0, rank).filter(d -> !reduced[d]).map(x::dim).toArray(), y);
  }

  static Nd reshape(Nd x, int[] shape) {
    return new Nd(shape.clone(), x.data().clone());
  }
}

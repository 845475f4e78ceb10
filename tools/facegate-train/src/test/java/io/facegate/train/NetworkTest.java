package io.facegate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class NetworkTest {

    @Test
    void defaultVariantHasTheHandCountedParameters() {
        // eca96 = 96x96, stages (t,c,n,s) 2,64,2,2 | 4,128,1,2 | 2,128,3,1 | 4,128,1,2 | 2,128,2,1, h-swish, ECA k=5
        long stem = (27 * 64 + 128 + 64) + (9 * 64 + 128 + 64);                 // conv3x3 + dw3x3, BN, PReLU
        long stage1 = 2 * ((64 * 128 + 256) + (9 * 128 + 256) + 5 + (128 * 64 + 128));
        long stage2 = (64 * 256 + 512) + (9 * 256 + 512) + (256 * 128 + 256);
        long stage3 = 3 * ((128 * 256 + 512) + (9 * 256 + 512) + (256 * 128 + 256));
        long stage4 = (128 * 512 + 1024) + (9 * 512 + 1024) + (512 * 128 + 256);
        long stage5 = 2 * ((128 * 256 + 512) + (9 * 256 + 512) + 5 + (256 * 128 + 256));
        long head = (128 * 512 + 1024 + 512) + (36 * 512 + 1024) + (512 * 128 + 256);
        long byHand = stem + stage1 + stage2 + stage3 + stage4 + stage5 + head;
        assertEquals(727_700, byHand);
        NetworkConfig eca = NetworkConfig.variant("eca96");
        assertEquals(byHand, eca.parameterCount());
        assertEquals(byHand, builtTrainableCount(eca));
        // the original at 112x112 with a 128-d output: the paper's ~0.99 M; ours is 72.5% of it
        assertEquals(1_003_136, NetworkConfig.mobileFaceNet112(128).parameterCount());
        assertEquals(NetworkConfig.variant("r96-prelu").parameterCount(), builtTrainableCount(NetworkConfig.variant("r96-prelu")));
    }

    private static long builtTrainableCount(NetworkConfig config) {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            TrainableWeights w = new TrainableWeights(tf, 1);
            new EcaMobileFaceNet(config, tf, w).embed(tf.placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, config.inputSize(), config.inputSize(), 3))));
            return w.trainableCount();
        }
    }

    @Test
    void ecaKernelFollowsTheAdaptiveRule() {
        // t = int(|(log2 C + 1) / 2|), odd t kept, even t + 1
        assertEquals(3, NetworkConfig.ecaKernel(16));   // t = 2
        assertEquals(3, NetworkConfig.ecaKernel(64));   // t = 3
        assertEquals(5, NetworkConfig.ecaKernel(128));  // t = 4
        assertEquals(5, NetworkConfig.ecaKernel(256));  // t = 4
        assertEquals(5, NetworkConfig.ecaKernel(512));  // t = 5
        assertEquals(7, NetworkConfig.ecaKernel(4096)); // t = 6
    }

    @Test
    void hswishIsXTimesRelu6OfXPlus3Over6() {
        float[] x = {-5f, -3f, -1.5f, 0f, 0.5f, 2.9f, 3f, 7f};
        float[] expected = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            expected[i] = x[i] * Math.min(Math.max(x[i] + 3, 0), 6) / 6;
        }
        assertArrayEquals(expected, eval(x, Shape.of(x.length), (tf, in) -> EcaMobileFaceNet.hswish(tf, in)), 1e-6f);
    }

    @Test
    void preluScalesNegativesPerChannel() {
        float[] x = {-2f, 3f, -4f, -1f};
        float[] expected = {-2f * 0.1f, 3f, -4f * 0.1f, -1f * 0.5f};
        assertArrayEquals(expected, eval(x, Shape.of(2, 2),
                (tf, in) -> EcaMobileFaceNet.prelu(tf, in, tf.constant(new float[] {0.1f, 0.5f}))), 1e-6f);
    }

    @Test
    void ecaRescalesChannelsBySigmoidOfConvolvedMeans() {
        int h = 2, w = 3, c = 6;
        float[] kernel = {0.5f, -1f, 2f};
        float[] x = new float[h * w * c];
        Random random = new Random(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat() * 4 - 2;
        }
        // reference: channel means, 1-D conv across channels with zero padding, sigmoid, rescale
        float[] mean = new float[c];
        for (int p = 0; p < h * w; p++) {
            for (int ch = 0; ch < c; ch++) {
                mean[ch] += x[p * c + ch] / (h * w);
            }
        }
        float[] expected = new float[x.length];
        for (int ch = 0; ch < c; ch++) {
            double z = 0;
            for (int j = 0; j < kernel.length; j++) {
                int src = ch + j - kernel.length / 2;
                z += src >= 0 && src < c ? kernel[j] * mean[src] : 0;
            }
            double a = 1 / (1 + Math.exp(-z));
            for (int p = 0; p < h * w; p++) {
                expected[p * c + ch] = (float) (x[p * c + ch] * a);
            }
        }
        assertArrayEquals(expected, eval(x, Shape.of(1, h, w, c), (tf, in) -> EcaMobileFaceNet.eca(tf, in,
                tf.constant(Shape.of(1, 3, 1, 1), DataBuffers.of(kernel, true, false)), c)), 1e-5f);
    }

    @Test
    void frozenGraphFoldsBatchNormIntoTheConvolutions() {
        NetworkConfig config = NetworkConfig.of("tiny", 32, 1, 1, NetworkConfig.Activation.PRELU, true, 16);
        Map<String, float[]> values = TestNets.randomValues(config, 5);
        float[] input = TestNets.randomInput(3, 32, 6);
        float[] folded = TestNets.embed(config, input, tf -> new FrozenWeights(tf, values));
        float[] reference = TestNets.embed(config, input, tf -> new TestNets.UnfoldedWeights(tf, values));
        assertEquals(3 * 16, folded.length);
        assertArrayEquals(reference, folded, 2e-4f);
        for (int i = 0; i < 3; i++) {
            double norm = 0;
            for (int k = 0; k < 16; k++) {
                norm += folded[i * 16 + k] * folded[i * 16 + k];
            }
            assertEquals(1.0, norm, 1e-5, "embedding " + i + " is L2-normalised");
        }
    }

    @Test
    void badConfigurationsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> NetworkConfig.of("x", 100, 1, 1, NetworkConfig.Activation.HSWISH, false, 128));
        assertThrows(IllegalArgumentException.class, () -> NetworkConfig.variant("resnet"));
        assertThrows(IllegalArgumentException.class, () -> new NetworkConfig.Stage(2, 64, 0, 1, false));
    }

    interface Fn {
        Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x);
    }

    static float[] eval(float[] x, Shape shape, Fn fn) {
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Operand<TFloat32> out = fn.apply(tf, tf.constant(shape, DataBuffers.of(x, true, false)));
            try (TFloat32 t = (TFloat32) s.runner().fetch(out).run().get(0)) {
                float[] v = new float[Math.toIntExact(t.shape().size())];
                t.copyTo(DataBuffers.of(v, false, false));
                return v;
            }
        }
    }

}

/**
 * log(x) exactly as glibc (2.28+) computes it on x86-64 with FMA, so that randn reproduces numpy's
 * legacy gauss bit for bit: numpy calls the C library's log there, and V8's Math.log (fdlibm) differs
 * from it in the last bit for a few percent of inputs, while even a correctly rounded log differs in
 * about 0.1% of them. The algorithm and its constants are those of the log in ARM Optimized Routines
 * (Szabolcs Nagy, MIT licence), which glibc adopted; glibc's FMA build contracts every `a * b + c`
 * whose product has a single use, so those steps are fused here too (an exact software fma).
 * Verified against python3's math.log (the same libm) on millions of inputs; fixtures hold a sample.
 */

const LN2_HI = 0.6931471805598903;
const LN2_LO = 5.497923018708371e-14;
// log1p(r) - r near x = 1, for |x - 1| < 1/16.
const NEAR_ONE = [
  -0.5, 0.3333333333333352, -0.24999999999998432, 0.19999999999320328, -0.16666666669929706,
  0.14285715076560868, -0.12499997863982555, 0.11110712032936046, -0.10000486757818193,
  0.09181994006195467, -0.08328363062289341,
] as const;
// log1p(r) - r for |r| < 1/256.
const POLY = [
  -0.5000000000000001, 0.33333333331825593, -0.2499999999622955, 0.20000304511814496, -0.16667054827627667,
] as const;
/** Pairs (1/c, log c) for 128 subintervals of [0x1.6p-1, 0x1.6p0). */
const INVC_LOGC: readonly number[] = [
  1.4504249240398293, -0.3718565645633589,
  1.442253508327276, -0.36620682668944937,
  1.4341736174350004, -0.3605888069791945,
  1.426183816329995, -0.3550022171419869,
  1.4182825527052965, -0.34944666968829097,
  1.4104682921759335, -0.3439217713603284,
  1.4027396147468003, -0.3384271921261188,
  1.3950954438932313, -0.332962831494342,
  1.3875338232485754, -0.32752794345742586,
  1.3800539211058593, -0.32212257167088865,
  1.3726542695419708, -0.3167462884799761,
  1.3653332798446802, -0.3113985598928366,
  1.358090204587874, -0.3060794515165526,
  1.3509234892132138, -0.300788424667644,
  1.3438320840699889, -0.2955252968476998,
  1.3368146974742003, -0.29028969275850613,
  1.329870114677736, -0.2850812793277555,
  1.322997339161106, -0.27989987391470095,
  1.316195352741367, -0.27474526621870154,
  1.3094628125672239, -0.2696169863701243,
  1.3027990455471041, -0.26451506180308115,
  1.2962024229438942, -0.2594387762767383,
  1.2896726275815547, -0.2543884090981692,
  1.2832080305745537, -0.24936321635129843,
  1.276807885983376, -0.24436312405975968,
  1.2704714060687552, -0.23938801747897287,
  1.2641976054949482, -0.23443761696705678,
  1.257985357514882, -0.22951151871518505,
  1.2518337750655457, -0.2246094963439873,
  1.2457421919097305, -0.21973149037705753,
  1.2397094966625508, -0.2148770752847895,
  1.2337348463589233, -0.210046029103637,
  1.2278176973028803, -0.20523836373934046,
  1.2219570190618474, -0.20045368751368642,
  1.2161519732977757, -0.1956917537758045,
  1.2104018095009725, -0.19095237845203883,
  1.204705805718973, -0.18623539250290833,
  1.1990631185441964, -0.18154051731551135,
  1.1934733004462308, -0.1768677957431919,
  1.1879350812847385, -0.17221657406412305,
  1.1824481322833125, -0.16758697765942543,
  1.1770114976921955, -0.16297859687290384,
  1.1716248121809465, -0.15839151377804228,
  1.1662869231674715, -0.15382513241456763,
  1.1609977486762766, -0.14927976358922024,
  1.1557563220795803, -0.14475495398119165,
  1.1505619105480347, -0.14025044090817573,
  1.1454138888505974, -0.1357660466685502,
  1.140311877374656, -0.1313018016355727,
  1.1352550225747513, -0.12685731518763532,
  1.1302429094831266, -0.1224325737671279,
  1.1252747693068048, -0.11802724521862729,
  1.1203501571039876, -0.11364127671663482,
  1.1154683327680124, -0.10927434611278386,
  1.1106291463292157, -0.10492665324943573,
  1.1058315813301596, -0.10059761422644442,
  1.1010752177696026, -0.09628717309055901,
  1.0963597137952512, -0.09199534069557558,
  1.0916844827550398, -0.08772190036688698,
  1.0870487291277784, -0.08346643613867855,
  1.082452357388312, -0.07922916827544668,
  1.0778948225025884, -0.0750099004750382,
  1.0733751731601076, -0.07080805133352897,
  1.068893585073351, -0.06662408085151128,
  1.0644491706655506, -0.06245745471915143,
  1.0600414846328305, -0.0583080438042316,
  1.0556701316181605, -0.05417576112313327,
  1.051334750556926, -0.050060547896805474,
  1.0470347288442157, -0.045962101199052086,
  1.0427699229652954, -0.04188056008865715,
  1.0385395013738175, -0.03781540056183985,
  1.034343418940345, -0.03376684757915882,
  1.0301811073173315, -0.029734619131772888,
  1.026052043621297, -0.025718470239212365,
  1.0219561082336197, -0.021718543925430822,
  1.0178926505784922, -0.01773446126981071,
  1.0138614436244586, -0.013766252464051831,
  1.0098620186501341, -0.009813706322574944,
  1.0058938559734134, -0.005876555150052809,
  1.00195696235014, -0.0019550499938532084,
  0.9961089923088509, 0.0038985973556009412,
  0.9884170338185201, 0.011650571286395461,
  0.9808429191005297, 0.019342955478919066,
  0.9733840169987446, 0.0269766014846482,
  0.9660377568876556, 0.034552359728422744,
  0.9588014945307369, 0.04207121767183253,
  0.9516728569073111, 0.049533940950141186,
  0.9446494635965822, 0.056941358295944156,
  0.9377288993026223, 0.06429439168346107,
  0.9309091073790681, 0.0715936354946507,
  0.924187681612722, 0.07884010933776153,
  0.9175626765599192, 0.08603438905970506,
  0.9110320403624034, 0.09317721180013905,
  0.9045935839762024, 0.10026951462748457,
  0.8982456375922825, 0.10731170956330516,
  0.8919860966782501, 0.11430473320717738,
  0.8858131121185129, 0.12124928503033061,
  0.879725075760676, 0.12814583422959913,
  0.8737201372634685, 0.1349951636851756,
  0.8677966405782273, 0.1417978768189414,
  0.8619528050060739, 0.14855476039031146,
  0.8561872354420692, 0.1552661937658968,
  0.8504983927816893, 0.16193275688146969,
  0.8448844572790304, 0.16855539792220497,
  0.8393442741575965, 0.1751343179947753,
  0.8338762249349438, 0.1816702989864325,
  0.8284789320557778, 0.18816387146023317,
  0.8231510800065832, 0.1946155228479256,
  0.8178913903778707, 0.20102572579389744,
  0.8126984007245374, 0.2073952090795501,
  0.8075710029460227, 0.21372429840596396,
  0.8025078881160415, 0.2200135945981856,
  0.7975077379364331, 0.22626374162859975,
  0.792569604966373, 0.23247494747693054,
  0.7876923641254114, 0.23864766620658884,
  0.7828746724940998, 0.24478265647405806,
  0.7781155388790811, 0.25088025827324145,
  0.7734139557869777, 0.2569408552510595,
  0.7687687179914933, 0.26296511155101143,
  0.7641790698041854, 0.2689531327189343,
  0.7596438763692399, 0.27490553924610595,
  0.7551621951078668, 0.2808227248478943,
  0.7507331780216866, 0.286704979267256,
  0.7463557196361751, 0.29255295645509705,
  0.7420289364869653, 0.2983670386142876,
  0.7377521537065876, 0.30414734587282055,
  0.7335242966002608, 0.30989455774829366,
  0.729344777457841, 0.31560871301871884,
];

const VELTKAMP_SPLITTER = 134217729; // 2^27 + 1
const NEAR_ONE_LOW = 0.9375;
const NEAR_ONE_HIGH = 1 + 0x109 / 0x1000;
const SMALLEST_NORMAL = 2 ** -1022;
const OFFSET_HIGH_WORD = 0x3fe60000;

export type ScalarLog = (x: number) => number;

/** Returns a log function with its own scratch buffer for bit access (no shared mutable state). */
export function createGlibcLog(): ScalarLog {
  const bits = new DataView(new ArrayBuffer(8));

  /**
   * Correctly rounded a*b + c without an fma instruction (Boldo and Melquiond, "Emulation of FMA and
   * correctly rounded sums: proved algorithms using rounding to odd", 2008): exact product, exact sum
   * with c, the low parts added with rounding to odd, then one final rounding. Assumes no overflow or
   * underflow, which holds for every call below.
   */
  function fma(a: number, b: number, c: number): number {
    const product = a * b;
    const aSplit = VELTKAMP_SPLITTER * a;
    const aHi = aSplit - (aSplit - a);
    const aLo = a - aHi;
    const bSplit = VELTKAMP_SPLITTER * b;
    const bHi = bSplit - (bSplit - b);
    const bLo = b - bHi;
    const productError = aHi * bHi - product + aHi * bLo + aLo * bHi + aLo * bLo;
    const sumHi = c + product;
    const productVirtual = sumHi - c;
    const sumLo = c - (sumHi - productVirtual) + (product - productVirtual);
    const low = sumLo + productError;
    const errorVirtual = low - sumLo;
    const lowError = sumLo - (low - errorVirtual) + (productError - errorVirtual);
    return sumHi + (lowError === 0 ? low : roundToOdd(low, lowError));
  }

  /** `rounded` is RN(v) for an inexact v = rounded + error; returns the neighbour of v with an odd last bit. */
  function roundToOdd(rounded: number, error: number): number {
    bits.setFloat64(0, rounded);
    const lowWord = bits.getUint32(4);
    if ((lowWord & 1) === 1) return rounded;
    // Even: step one ulp towards v; the magnitude grows when error has the sign of rounded.
    const step = error > 0 === rounded > 0 ? 1 : -1;
    const next = lowWord + step;
    if (next < 0 || next > 0xffffffff) bits.setUint32(0, bits.getUint32(0) + step);
    bits.setUint32(4, next >>> 0);
    return bits.getFloat64(0);
  }

  function logNearOne(x: number): number {
    const r = x - 1;
    const r2 = r * r;
    const r3 = r * r2;
    const B = NEAR_ONE;
    const inner = fma(r3, B[10], fma(r2, B[9], fma(r, B[8], B[7])));
    const middle = fma(r3, inner, fma(r2, B[6], fma(r, B[5], B[4])));
    const outer = fma(r3, middle, fma(r2, B[3], fma(r, B[2], B[1])));
    // rhi has 26 bits, so rhi * rhi * -0.5 is exact and r * 2^27 is exact: fusing those changes nothing.
    const scaled = r * 134217728;
    const rhi = r + scaled - scaled;
    const rlo = r - rhi;
    const halfSquare = rhi * rhi * B[0];
    const hi = r + halfSquare;
    let lo = r - hi + halfSquare;
    lo = fma(B[0] * rlo, rhi + r, lo);
    return fma(r3, outer, lo) + hi;
  }

  return function log(x: number): number {
    if (x >= NEAR_ONE_LOW && x < NEAR_ONE_HIGH) return x === 1 ? 0 : logNearOne(x);
    if (x === 0) return Number.NEGATIVE_INFINITY;
    if (!(x > 0)) return Number.NaN;
    if (x === Number.POSITIVE_INFINITY) return x;
    let exponentBias = 0;
    let normal = x;
    if (x < SMALLEST_NORMAL) {
      normal = x * 2 ** 52;
      exponentBias = -52;
    }
    bits.setFloat64(0, normal);
    const highWord = bits.getUint32(0);
    // x = 2^k z with z in [0x1.6p-1, 0x1.6p0); the offset's low word is 0, so the high word suffices.
    const offsetHigh = (highWord - OFFSET_HIGH_WORD) | 0;
    const i = (offsetHigh >>> 13) & 127;
    const k = (offsetHigh >> 20) + exponentBias;
    bits.setUint32(0, (highWord - (offsetHigh & 0xfff00000)) >>> 0);
    const z = bits.getFloat64(0);
    const invc = INVC_LOGC[2 * i] as number;
    const logc = INVC_LOGC[2 * i + 1] as number;
    const r = fma(z, invc, -1);
    const w = k * LN2_HI + logc; // exact by the table's construction
    const hi = w + r;
    const lo = fma(k, LN2_LO, w - hi + r);
    const r2 = r * r;
    const poly = fma(r2, fma(r, POLY[4], POLY[3]), fma(r, POLY[2], POLY[1]));
    return fma(r * r2, poly, fma(r2, POLY[0], lo)) + hi;
  };
}

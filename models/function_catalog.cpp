#include "models/function_catalog.h"

#include <cmath>
#include <algorithm>
#include <limits>
#include <numbers>

namespace edgetwin::models {
namespace {

constexpr std::int64_t kMB = 1000 * 1000;
constexpr std::int64_t kMiB = std::int64_t{1} << 20;

struct Fit {
  const char* device;  // faas-sim's device name
  const char* image;   // faas-sim's image, without "faas-workloads/"
  BoundedLognormal fit;
};

// faas-sim ext/raith21/fet.py (edgerun/faas-sim, MIT; commit
// dceab5dd9859fad2e4e32da854537445a9d3fda4), `ai_execution_time_distributions`:
// (xmin, xmax, lognorm((s,), loc, scale)) per (device, image),
// restated here as {s, loc, scale, xmin, xmax} in seconds. xeoncpu and xeongpu share the CPU
// images' fits in that file. See shared/reference/peer-faas-sim.md §4.2.
// clang-format off: one pair per line, as in the source file
const Fit kFits[] = {
    // python-pi
    {"rpi3", "python-pi", {1.5561351906586467, 1.9092154433285176, 0.03832589013392289, 1.909987211227417, 2.203219413757324}},
    {"rpi4", "python-pi", {2.0378973843923234, 1.6960468751471511, 0.017276257000211737, 1.6961045265197754, 1.7755048274993896}},
    {"xeongpu", "python-pi", {0.33924794244178996, 2.9421626090307855, 0.03231526504686262, 2.9558749198913574, 3.0182230472564697}},
    {"xeoncpu", "python-pi", {0.33924794244178996, 2.9421626090307855, 0.03231526504686262, 2.9558749198913574, 3.0182230472564697}},
    {"nx", "python-pi", {0.3204243885534094, 1.2658584067446368, 0.029294830565182426, 1.280782699584961, 1.3314659595489502}},
    {"tx2", "python-pi", {0.34123939468038056, 0.9407173896320605, 0.015806120791955418, 0.9472050666809082, 0.973700761795044}},
    {"nano", "python-pi", {0.7189304098250027, 1.2990304403954829, 0.007775231273223189, 1.300102949142456, 1.330549716949463}},
    {"rockpi", "python-pi", {1.0176060175917105, 0.9019280787708568, 0.008452707474514693, 0.9023468494415283, 0.96213698387146}},
    {"coral", "python-pi", {2.0685603472046896, 1.6156998209501152, 0.0066422665082161245, 1.6157212257385254, 1.6432366371154785}},
    {"nuc", "python-pi", {0.7668200520309387, 0.42879374181896945, 0.002728658224322277, 0.4291870594024658, 0.44258952140808105}},
    // fio
    {"xeongpu", "fio", {0.547478970870047, 1.1083822085143797, 0.030433853662662387, 1.1168184280395508, 1.1966462135314941}},
    {"xeoncpu", "fio", {0.547478970870047, 1.1083822085143797, 0.030433853662662387, 1.1168184280395508, 1.1966462135314941}},
    {"tx2", "fio", {1.3756415929126355, 4.198414125199262, 0.05290299893253018, 4.199761152267456, 4.508903503417969}},
    {"nano", "fio", {0.018126581624838864, -20.429942918329502, 40.06238600923392, 17.634405612945557, 21.379503965377808}},
    {"nx", "fio", {1.2593738429645396, 13.379751217809101, 0.21565860828690103, 13.390366792678833, 14.499114036560059}},
    {"rpi4", "fio", {0.009384653682239431, -156.36010377296788, 184.15597782535895, 23.43714690208435, 33.209991216659546}},
    {"nuc", "fio", {1.1299582738854954, 1.088922789515207, 0.014824511843598303, 1.0893218517303467, 1.3713059425354004}},
    {"rockpi", "fio", {0.6243415046474259, 21.333338896210595, 0.544673148530165, 21.46393871307373, 23.428807735443115}},
    {"rpi3", "fio", {1.4725990652984735, 23.901942788072812, 2.061301749245649, 23.947848558425903, 41.15871047973633}},
    // resnet-inference-cpu
    {"tx2", "resnet-inference-cpu", {0.8501001928589622, 0.6917307756410416, 0.03637932277634568, 0.6948370933532715, 1.1444413661956787}},
    {"nano", "resnet-inference-cpu", {0.6418412926282235, 0.8774528367440888, 0.040203191672859434, 0.8841347694396973, 1.3210082054138184}},
    {"nx", "resnet-inference-cpu", {0.18877396743289954, 0.36851360580284376, 0.13846196638192304, 0.4536397457122803, 0.5972743034362793}},
    {"rpi3", "resnet-inference-cpu", {0.480548812316585, 4.109022481450841, 0.8837760799244128, 4.425604581832886, 5.861693859100342}},
    {"rpi4", "resnet-inference-cpu", {0.34259117242902337, 2.6647105511948013, 0.22908468382108765, 2.772036075592041, 3.4497311115264893}},
    {"rockpi", "resnet-inference-cpu", {0.1701387081476361, 0.6767214411001377, 0.6915067219689892, 1.1331660747528076, 1.9165077209472656}},
    {"coral", "resnet-inference-cpu", {0.5091677176621551, 1.1979548997737532, 0.8673575947926709, 1.4113075733184814, 3.642624855041504}},
    {"xeongpu", "resnet-inference-cpu", {1.250516246833203, 0.14569116166838314, 0.015314005461484962, 0.1462233066558838, 0.3092348575592041}},
    {"xeoncpu", "resnet-inference-cpu", {1.250516246833203, 0.14569116166838314, 0.015314005461484962, 0.1462233066558838, 0.3092348575592041}},
    {"nuc", "resnet-inference-cpu", {0.5323003236246481, 0.1365508992652769, 0.017830791693920288, 0.1407608985900879, 0.30925583839416504}},
    // resnet-inference-gpu
    {"tx2", "resnet-inference-gpu", {0.6929061829413992, 0.37615968175516823, 0.012486450479634974, 0.37734198570251465, 0.8128652572631836}},
    {"nano", "resnet-inference-gpu", {0.9361873291014332, 0.6630484909941858, 0.04025457729806213, 0.6658952236175537, 1.843451738357544}},
    {"nx", "resnet-inference-gpu", {0.6224342740828939, 0.36467625323618025, 0.017596239652913598, 0.36667823791503906, 0.7085371017456055}},
    {"xeongpu", "resnet-inference-gpu", {0.8643766901903747, 0.11095425513074908, 0.011781111260569395, 0.11229228973388672, 0.3232553005218506}},
    // speech-inference-gpu
    {"tx2", "speech-inference-gpu", {0.0025414734025261208, -9.223028569212083, 12.529918252908715, 3.1765449047088623, 3.380650758743286}},
    {"nano", "speech-inference-gpu", {0.013090577085142809, -1.5754467886453463, 6.119082935261158, 4.365040063858032, 4.694480657577515}},
    {"nx", "speech-inference-gpu", {0.3409027343356294, 1.5597613802886927, 0.08327712822735661, 1.5870838165283203, 1.835263967514038}},
    {"xeongpu", "speech-inference-gpu", {0.008946086677742587, -1.307494985069547, 2.055274866615258, 0.71323561668396, 0.7919847965240479}},
    // speech-inference-tflite
    {"tx2", "speech-inference-tflite", {0.14837049015268372, 3.1825127376318507, 0.2542879539682151, 3.3613061904907227, 3.548738956451416}},
    {"nano", "speech-inference-tflite", {0.338573110489491, 3.756233885601591, 0.12222610657663688, 3.811147451400757, 4.026976585388184}},
    {"nx", "speech-inference-tflite", {0.002128915799735443, -20.11768232046066, 22.801283873362763, 2.511276960372925, 2.8111839294433594}},
    {"rpi3", "speech-inference-tflite", {0.2990468329948087, 15.530564025376192, 0.9842449631740879, 15.982834100723267, 17.307713270187378}},
    {"rpi4", "speech-inference-tflite", {0.013426059217138844, 3.1072194637679287, 3.6418182858862655, 6.625596523284912, 6.853733539581299}},
    {"rockpi", "speech-inference-tflite", {0.0038685069906899405, -10.314587245344875, 14.13031293229767, 3.65761399269104, 3.972121000289917}},
    {"xeongpu", "speech-inference-tflite", {0.3862192323604978, 1.040493169321096, 0.03485261244686297, 1.0549635887145996, 1.1173889636993408}},
    {"xeoncpu", "speech-inference-tflite", {0.3862192323604978, 1.040493169321096, 0.03485261244686297, 1.0549635887145996, 1.1173889636993408}},
    {"coral", "speech-inference-tflite", {0.309383084086699, 7.075666750430653, 0.13197037140529588, 7.140416860580444, 7.32071328163147}},
    {"nuc", "speech-inference-tflite", {0.7164044762741202, 1.0506221929357897, 0.009455495987769815, 1.0520174503326416, 1.086385726928711}},
    // mobilenet-inference-tflite
    {"tx2", "mobilenet-inference-tflite", {2.533344881031916, 0.32182288558187044, 0.0042115822256853265, 0.3218262195587158, 0.3404886722564697}},
    {"nano", "mobilenet-inference-tflite", {2.23565414673075, 0.44176341795738083, 0.002910299253376422, 0.4417688846588135, 0.45539116859436035}},
    {"nx", "mobilenet-inference-tflite", {0.28469241141582113, 0.3091602236680885, 0.022375250553106865, 0.3183910846710205, 0.35461950302124023}},
    {"rpi3", "mobilenet-inference-tflite", {0.402693282261331, 1.9085815209567794, 0.151517311826892, 1.96744704246521, 2.3119328022003174}},
    {"rpi4", "mobilenet-inference-tflite", {0.492750480136671, 1.2433487914150247, 0.03528135900856, 1.2563717365264893, 1.3392689228057861}},
    {"rockpi", "mobilenet-inference-tflite", {0.15694893846245875, 0.09924997518597733, 0.411072865085738, 0.37113523483276367, 0.6942205429077148}},
    {"coral", "mobilenet-inference-tflite", {0.48206879938366154, 0.6520314724778564, 0.011274621134062308, 0.6539947986602783, 0.7023055553436279}},
    {"xeongpu", "mobilenet-inference-tflite", {0.5365853735187458, 0.2629530210923786, 0.017526290870830248, 0.26646852493286133, 0.3171541690826416}},
    {"xeoncpu", "mobilenet-inference-tflite", {0.5365853735187458, 0.2629530210923786, 0.017526290870830248, 0.26646852493286133, 0.3171541690826416}},
    {"nuc", "mobilenet-inference-tflite", {0.213495159031093, 0.24391558677812142, 0.03560607539324892, 0.2647244930267334, 0.308530330657959}},
    // mobilenet-inference-tpu
    {"coral", "mobilenet-inference-tpu", {0.23466525119207204, 0.5059029828658818, 0.0405198874588389, 0.531743049621582, 0.5755233764648438}},
    // resnet-preprocessing
    {"tx2", "resnet-preprocessing", {0.25278510391411824, 6.076221026439702, 0.30137273301561684, 6.223581314086914, 6.590674638748169}},
    {"nano", "resnet-preprocessing", {0.749277313721395, 7.838747661086966, 0.07855304435000107, 7.8491973876953125, 9.16739535331726}},
    {"nx", "resnet-preprocessing", {0.2463529274947488, 5.5980717469353, 0.46803545566088733, 5.809688329696655, 6.8749473094940186}},
    {"rpi3", "resnet-preprocessing", {0.5964107022199113, 29.14633433496855, 1.104606368132186, 29.41605019569397, 37.47779178619385}},
    {"rpi4", "resnet-preprocessing", {0.0070302901079828135, -17.918047627124665, 37.41970089494406, 18.986950397491455, 20.01262331008911}},
    {"rockpi", "resnet-preprocessing", {0.1897235590296447, 6.987563394961493, 0.6473314423433307, 7.352227449417114, 8.141456127166748}},
    {"coral", "resnet-preprocessing", {0.14905146429856836, 10.169515023380942, 0.34020180035649983, 10.412590026855469, 10.664041996002197}},
    {"nuc", "resnet-preprocessing", {0.21058554606390106, 2.4047184516326245, 0.11860319137639974, 2.467944383621216, 2.5904436111450195}},
    {"xeongpu", "resnet-preprocessing", {0.0046462923279184595, -3.733773151864244, 6.398168798011675, 2.5816872119903564, 2.73801851272583}},
    {"xeoncpu", "resnet-preprocessing", {0.0046462923279184595, -3.733773151864244, 6.398168798011675, 2.5816872119903564, 2.73801851272583}},
    // resnet-training-gpu, resnet-training-cpu
    {"xeongpu", "resnet-training-gpu", {0.438998700689963, 31.14152001046308, 0.8976046157724586, 31.53477692604065, 33.14484930038452}},
    {"nx", "resnet-training-gpu", {0.005832169839304721, -51.585196234614244, 193.5819207725017, 139.35805344581604, 144.51621437072754}},
    {"tx2", "resnet-training-gpu", {0.6361116541813518, 224.70438940974208, 2.810213847353603, 225.4308431148529, 234.05239510536194}},
    {"nano", "resnet-training-gpu", {1.3586403533926732, 468.0979297934913, 139.09890480835355, 475.3121247291565, 3758.72234249115}},
    {"nuc", "resnet-training-cpu", {0.4738306908521043, 196.1424565418967, 1.153017771389426, 196.37506127357483, 202.84338760375977}},
    // tf-gpu
    {"nx", "tf-gpu", {0.6352649591792237, 1.1545879504235148, 0.015347490963527024, 1.158355951309204, 1.208902359008789}},
    {"xeongpu", "tf-gpu", {2.5307323293089565, 0.3600503383478125, 0.004224701754546815, 0.36005401611328125, 0.37538766860961914}},
    {"tx2", "tf-gpu", {0.6207149378318482, 1.873085227543282, 0.011399394443365792, 1.8746130466461182, 2.1380443572998047}},
    {"nano", "tf-gpu", {1.4344624279117903, 0.5247122204199652, 0.03296898373982664, 0.5251214504241943, 1.096886157989502}},
};
// clang-format on

// faas-sim sim/oracle/data/distributions.py (edgerun/faas-sim, MIT; commit
// 0397aaaafc520eb8451765e6857171db9cd0f9c2), `startup_time_distributions` with the image already
// present, for the ml-wf-3-serve image: the container start alone. peer-faas-sim.md §4.5.
struct StartFit {
  const char* start_class;
  BoundedLognormal fit;
};
// clang-format off
const StartFit kStartFits[] = {
    {"cloud", {0.0027484186792601697, -165.77166614636923, 172.71014758735464, 5.1318864822387695, 8.278877973556519}},
    {"tegra", {0.00897732092441757, -27.91705469284816, 30.07755167658162, 1.5105795860290527, 2.8387768268585205}},
    {"pi", {0.7194917986461948, 1.7939233642283035, 3.69032959681382, 2.4959282875061035, 24.689355611801147}},
    {"nuc", {0.002914306587106721, -93.2468082577646, 95.48311762857361, 1.438429594039917, 3.182549238204956}},
};
// clang-format on

// Our catalog's names for faas-sim's devices.
std::string_view faas_sim_name(std::string_view profile) {
  if (profile == "rpi3" || profile == "rpi4" || profile == "rockpi" || profile == "coral" ||
      profile == "nuc") {
    return profile;
  }
  if (profile == "jetson-nano") return "nano";
  if (profile == "jetson-tx2") return "tx2";
  if (profile == "jetson-xavier-nx") return "nx";
  if (profile == "cloud-vm") return "xeoncpu";
  if (profile == "cloud-vm-gpu") return "xeongpu";
  return {};
}

double phi(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

// Z bounds of [xmin, xmax]: X = loc + scale * e^(s Z).
std::pair<double, double> z_bounds(const BoundedLognormal& d) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const double a = d.xmin > d.loc ? std::log((d.xmin - d.loc) / d.scale) / d.s : -inf;
  const double b = d.xmax > d.loc ? std::log((d.xmax - d.loc) / d.scale) / d.s : -inf;
  return {a, b};
}

std::vector<Artifact> make_artifacts() {
  // faas-sim ext/raith21/images.py, sizes in MB per arch (peer-faas-sim.md §4.4). Our arch
  // names: x86 -> x86_64, arm32 -> armv7, aarch64 -> aarch64.
  auto image = [](const char* name, std::int64_t x86, std::int64_t arm32, std::int64_t aarch64) {
    Artifact a{name, false, {}};
    if (x86 > 0) a.size_by_arch.emplace_back("x86_64", x86 * kMB);
    if (arm32 > 0) a.size_by_arch.emplace_back("armv7", arm32 * kMB);
    if (aarch64 > 0) a.size_by_arch.emplace_back("aarch64", aarch64 * kMB);
    return a;
  };
  return {
      image("resnet-inference-cpu", 2000, 700, 840),
      image("resnet-inference-gpu", 2000, 0, 1000),
      image("resnet-training-gpu", 2000, 0, 1000),
      image("resnet-training-cpu", 2000, 0, 0),
      image("speech-inference-tflite", 108, 328, 400),
      image("speech-inference-gpu", 1600, 0, 1300),
      image("mobilenet-inference-tflite", 180, 160, 173),
      image("mobilenet-inference-tpu", 0, 0, 173),
      image("python-pi", 88, 55, 62),
      image("fio", 24, 20, 23),
      image("tf-gpu", 4100, 0, 2240),
      image("resnet-preprocessing", 4100, 1370, 1910),
      // The ResNet-50 model the raith21 inference functions download at setup (103 MB, §4.4).
      Artifact{"resnet50-model", true, {{"", 103 * kMB}}},
  };
}

std::vector<BuiltinFunction> make_functions() {
  // Memory: the resnet50 deployments of ext/raith21/deployments.py (CPU 150Mi, GPU 400Mi, §4.4);
  // the others are not given there and take 128 MiB (our assumption). work_s: the mean of the
  // cloud VM's (xeoncpu, core_speed 1) fit, else the GPU VM's, else the nuc's times its
  // core_speed.
  std::vector<BuiltinFunction> out = {
      {"resnet-inference-cpu", "resnet-inference-cpu", "resnet50-model", 150 * kMiB, "", 0},
      {"resnet-inference-gpu", "resnet-inference-gpu", "resnet50-model", 400 * kMiB, "gpu", 0},
      {"resnet-training-gpu", "resnet-training-gpu", "", 128 * kMiB, "gpu", 0},
      {"resnet-training-cpu", "resnet-training-cpu", "", 128 * kMiB, "", 0},
      {"speech-inference-tflite", "speech-inference-tflite", "", 128 * kMiB, "", 0},
      {"speech-inference-gpu", "speech-inference-gpu", "", 128 * kMiB, "gpu", 0},
      {"mobilenet-inference-tflite", "mobilenet-inference-tflite", "", 128 * kMiB, "", 0},
      {"mobilenet-inference-tpu", "mobilenet-inference-tpu", "", 128 * kMiB, "tpu", 0},
      {"python-pi", "python-pi", "", 128 * kMiB, "", 0},
      {"fio", "fio", "", 128 * kMiB, "", 0},
      {"tf-gpu", "tf-gpu", "", 128 * kMiB, "gpu", 0},
      {"resnet-preprocessing", "resnet-preprocessing", "", 128 * kMiB, "", 0},
  };
  for (BuiltinFunction& f : out) {
    if (const auto* fit = builtin_execution_time(f.name, "cloud-vm")) {
      f.work_s = fit->mean();
    } else if (const auto* gpu = builtin_execution_time(f.name, "cloud-vm-gpu")) {
      f.work_s = gpu->mean();
    } else if (const auto* nuc = builtin_execution_time(f.name, "nuc")) {
      f.work_s = nuc->mean() * (0.170 / 0.157);  // the nuc's core_speed (device_catalog.cpp)
    }
  }
  return out;
}

}  // namespace

double BoundedLognormal::sample(sim::RandomStream& rng) const {
  double x = loc;
  for (int i = 0; i < kMaxDraws; ++i) {
    x = loc + scale * std::exp(s * rng.normal(0.0, 1.0));
    if (x >= xmin && x <= xmax) return x;
  }
  return x < xmin ? xmin : xmax;
}

double BoundedLognormal::acceptance() const {
  const auto [a, b] = z_bounds(*this);
  return std::max(0.0, phi(b) - phi(a));
}

double BoundedLognormal::mean() const {
  const auto [a, b] = z_bounds(*this);
  const double p = phi(b) - phi(a);
  if (!(p > 0.0)) return std::clamp(loc + scale * std::exp(s * s / 2), xmin, xmax);
  return loc + scale * std::exp(s * s / 2.0) * (phi(b - s) - phi(a - s)) / p;
}

const BoundedLognormal* builtin_execution_time(std::string_view function,
                                               std::string_view profile) {
  const std::string_view device = faas_sim_name(profile);
  if (device.empty()) return nullptr;
  for (const Fit& f : kFits) {
    if (function == f.image && device == f.device) return &f.fit;
  }
  return nullptr;
}

bool is_measured_profile(std::string_view profile) { return !faas_sim_name(profile).empty(); }

const BoundedLognormal* builtin_start_time(std::string_view start_class) {
  for (const StartFit& f : kStartFits) {
    if (start_class == f.start_class) return &f.fit;
  }
  return nullptr;
}

std::int64_t Artifact::size_for(std::string_view arch) const {
  std::int64_t any = -1;
  for (const auto& [a, bytes] : size_by_arch) {
    if (a == arch) return bytes;
    if (a.empty()) any = bytes;
  }
  return any;
}

const std::vector<Artifact>& builtin_artifacts() {
  static const std::vector<Artifact> artifacts = make_artifacts();  // immutable after first use
  return artifacts;
}

const Artifact* find_builtin_artifact(std::string_view name) {
  for (const Artifact& a : builtin_artifacts()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

const std::vector<BuiltinFunction>& builtin_functions() {
  static const std::vector<BuiltinFunction> functions = make_functions();  // immutable
  return functions;
}

const BuiltinFunction* find_builtin_function(std::string_view name) {
  for (const BuiltinFunction& f : builtin_functions()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace edgetwin::models

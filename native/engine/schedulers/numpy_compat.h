#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

// Replicas of the few numpy routines diffusers builds its timestep and sigma tables with. They
// reproduce numpy's float64 evaluation order, not just its intent: the tables are rounded to
// integers or cast to float32 afterwards, and a different last bit can move a timestep.
namespace ppd::npcompat {

// np.linspace(start, stop, num, endpoint): i*step + start with step = (stop-start)/div, the last
// element forced to `stop` when endpoint is set.
std::vector<double> linspace(double start, double stop, int64_t num, bool endpoint = true);

// np.arange(start, stop, step) for float steps: length ceil((stop-start)/step); element i is
// start + i*delta with delta = (start+step) - start, exactly as numpy's DOUBLE_fill computes it.
std::vector<double> arange(double start, double stop, double step);

// np.round / np.rint: round half to even.
double roundHalfEven(double x);

// np.interp(x, arange(len(fp)), fp): linear interpolation on the unit grid 0..len(fp)-1, clamped
// to the end values outside it.
std::vector<double> interpUnitGrid(const std::vector<double>& x, const std::vector<double>& fp);

std::vector<double> toDoubles(const at::Tensor& t);
at::Tensor fromDoubles(const std::vector<double>& values, at::ScalarType dtype);

}  // namespace ppd::npcompat

#include <gtest/gtest.h>
#include <loadgen/stats.h>
#include <unistd.h>

namespace iost::loadgen {
namespace {

TEST(Percentile, NearestRank) {
    std::vector<double> v;
    for (int i = 1; i <= 100; ++i) v.push_back(i);
    EXPECT_EQ(PercentileSorted(v, 0.50), 50);
    EXPECT_EQ(PercentileSorted(v, 0.99), 99);
    EXPECT_EQ(PercentileSorted(v, 1.0), 100);
    EXPECT_EQ(PercentileSorted(v, 0.0), 1);
    EXPECT_EQ(PercentileSorted({}, 0.5), 0);
    EXPECT_EQ(PercentileSorted({7}, 0.99), 7);
}

TEST(Percentile, SummarizeSortsAndAverages) {
    auto s = Summarize({30, 10, 20, 40});
    EXPECT_EQ(s.count, 4u);
    EXPECT_DOUBLE_EQ(s.mean_ms, 25);
    EXPECT_EQ(s.p50_ms, 20);
    EXPECT_EQ(s.p99_ms, 40);
    EXPECT_EQ(s.max_ms, 40);
    EXPECT_EQ(Summarize({}).count, 0u);
}

TEST(ProcStat, ParsesUtimeStimeAfterTheLastParenthesis) {
    // A command name with a space and a ')' must not shift the fields.
    const std::string text =
        "4242 (ise rv) er) S 1 4242 4242 0 -1 4194560 500 0 0 0 1234 567 0 0 20 0 9 0 100 1000 200 "
        "0\n";
    auto s = ParseProcStat(text);
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->pid, 4242);
    EXPECT_EQ(s->utime_ticks, 1234u);
    EXPECT_EQ(s->stime_ticks, 567u);
}

TEST(ProcStat, RejectsGarbage) {
    EXPECT_FALSE(ParseProcStat("").ok());
    EXPECT_FALSE(ParseProcStat("12 (x) S 1 2").ok());                       // too few fields
    EXPECT_FALSE(ParseProcStat("12 (x) S 1 2 3 4 5 6 7 8 9 x y 0").ok());   // not numbers
    EXPECT_FALSE(ParseProcStat("abc (x) S 1 2 3 4 5 6 7 8 9 1 2 0").ok());  // bad pid
}

TEST(ProcStatus, VmRss) {
    auto r = ParseVmRss("Name:\tiserver\nVmPeak:\t  9 kB\nVmRSS:\t   10240 kB\nThreads: 9\n");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, 10240u * 1024);
    EXPECT_FALSE(ParseVmRss("Name: kthreadd\n").ok());
    EXPECT_FALSE(ParseVmRss("VmRSS: 12 MB\n").ok());
    EXPECT_FALSE(ParseVmRss("VmRSS: x kB\n").ok());
}

TEST(ProcStatus, VmHwmIsThePeakNotTheCurrentRss) {
    const char* status = "Name:\tiserver\nVmHWM:\t   20480 kB\nVmRSS:\t   10240 kB\n";
    auto peak = ParseVmHwm(status);
    ASSERT_TRUE(peak.ok());
    EXPECT_EQ(*peak, 20480u * 1024);
    EXPECT_EQ(*ParseVmRss(status), 10240u * 1024);
    EXPECT_FALSE(ParseVmHwm("VmRSS:\t 10240 kB\n").ok());  // a line of another key
    EXPECT_FALSE(ParseVmHwm("VmHWM: 12 MB\n").ok());
}

TEST(ProcSample, ReadsThisProcess) {
    auto s = ReadProcSample(getpid());
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->pid, getpid());
    EXPECT_GT(s->rss_bytes, 0u);
    EXPECT_GE(s->peak_rss_bytes, s->rss_bytes);
    EXPECT_FALSE(ReadProcSample(0).ok());
    EXPECT_FALSE(ReadProcSample(-5).ok());
}

}  // namespace
}  // namespace iost::loadgen

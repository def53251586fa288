// Logger::File: what an operator reads while the node runs must be in the file
// at once (info and above), and debug lines below the level stay out.
#include <gtest/gtest.h>
#include <unistd.h>
#include <util/log.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace iost::util {
namespace {

std::string ReadAll(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(LoggerFile, InfoLinesReachTheFileWithoutAWarning) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("iost-log-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = dir / "node.log";
    {
        Logger log = Logger::File(path.string(), "node0", LogLevel::kInfo);
        log.Debug("hidden {}", 1);
        log.Info("sync {}/{}", 10, 20);
        // Still open: the line must already be readable by another reader.
        const std::string text = ReadAll(path);
        EXPECT_NE(text.find("sync 10/20"), std::string::npos) << text;
        EXPECT_EQ(text.find("hidden"), std::string::npos) << text;
    }
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace iost::util

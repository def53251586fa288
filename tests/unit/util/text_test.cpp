#include <gtest/gtest.h>
#include <util/text.h>

using namespace iost::util;

TEST(Text, PrintableCapsAndSanitizes) {
    EXPECT_EQ(Printable("abc", 40), "abc");
    EXPECT_EQ(Printable(std::string_view("a\nb\0c\x7f", 6), 40), "a?b?c?");
    EXPECT_EQ(Printable("abcdef", 3), "abc...");
    EXPECT_EQ(Printable("", 3), "");
    EXPECT_EQ(Quoted("x\ty"), "\"x?y\"");
    EXPECT_EQ(Quoted(std::string(50, 'z')), "\"" + std::string(40, 'z') + "...\"");
}

// The CSV reader on the shapes real manifests come in.
#include <gtest/gtest.h>

#include "earshot/data/csv.h"
#include "earshot/util/error.h"

namespace earshot {
namespace {

TEST(DataCsv, QuotesCrlfBomAndBlankLines) {
  CsvTable t = ParseCsv(
      "\xEF\xBB\xBF" "fname,label\r\n"
      "a.wav,Hi-hat\r\n"
      "\r\n"
      "\"b,c.wav\",\"say \"\"hi\"\"\"\r\n"
      "\"multi\nline.wav\",Bark\n"
      "d.wav,\n",
      "m.csv");
  ASSERT_EQ(t.header, (std::vector<std::string>{"fname", "label"}));
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_EQ(t.rows[0][1], "Hi-hat");
  EXPECT_EQ(t.rows[1][0], "b,c.wav");
  EXPECT_EQ(t.rows[1][1], "say \"hi\"");
  EXPECT_EQ(t.rows[2][0], "multi\nline.wav");
  EXPECT_EQ(t.rows[3][1], "");
  // Lines of the file where each row starts: the blank line 3 is skipped.
  EXPECT_EQ(t.lines, (std::vector<int>{2, 4, 5, 7}));
  EXPECT_EQ(t.Where(2), "m.csv row 3 (line 5)");
  EXPECT_EQ(t.Column("label"), 1);
  EXPECT_EQ(t.Column("nope"), -1);
}

TEST(DataCsv, NoTrailingNewline) {
  CsvTable t = ParseCsv("id,x\nq,1", "m.csv");
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0][1], "1");
}

TEST(DataCsv, ErrorsNameFileAndRow) {
  try {
    ParseCsv("fname,label\na.wav,x\nb.wav,y,extra\n", "train.csv");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kBadData);
    EXPECT_STREQ(e.what(), "train.csv row 2 (line 3): 3 fields, the header has 2");
  }
  try {
    ParseCsv("fname,label\n\"a.wav,x\n", "train.csv");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("train.csv line 2: a quoted field is never closed"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(ParseCsv("", "empty.csv"), Error);
  EXPECT_THROW(ReadCsv("/nonexistent/x.csv"), Error);
  try {
    ParseCsv("a,b\n", "t.csv").RequireColumn("fname");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "t.csv: no column 'fname' (columns: a, b)");
  }
}

TEST(DataCsv, FieldQuotingRoundTrips) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"x\""), "\"say \"\"x\"\"\"");
  CsvTable t = ParseCsv("v\n" + CsvField("a,\"b\"\nc") + "\n", "q.csv");
  EXPECT_EQ(t.rows[0][0], "a,\"b\"\nc");
}

}  // namespace
}  // namespace earshot

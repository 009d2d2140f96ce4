#include "dossier/util/time.h"

#include <gtest/gtest.h>

namespace dossier {
namespace {

struct Case {
  const char* in;
  const char* want;  // nullptr: must not parse
};

TEST(Time, ParsesTheFormsNewsUses) {
  const Case cases[] = {
      {"2025-05-28", "2025-05-28T00:00:00Z"},
      {"2025-05-28T14:10:00Z", "2025-05-28T14:10:00Z"},
      {"2025-05-28T14:10:00.123+02:00", "2025-05-28T12:10:00Z"},
      {"2025-05-28 14:10", "2025-05-28T14:10:00Z"},
      {"Wed, 28 May 2025 14:10:00 GMT", "2025-05-28T14:10:00Z"},
      {"Wed, 28 May 2025 14:10:00 +0200", "2025-05-28T12:10:00Z"},
      {"28 May 2025 09:00 EST", "2025-05-28T14:00:00Z"},
      {"May 28, 2025", "2025-05-28T00:00:00Z"},
      {"May 28th, 2025", "2025-05-28T00:00:00Z"},
      {"Sept. 3, 2024", "2024-09-03T00:00:00Z"},
      {"28 May 2025", "2025-05-28T00:00:00Z"},
      {"May 28, 2025 at 2:05 pm", "2025-05-28T14:05:00Z"},
      {"18.12.2021", "2021-12-18T00:00:00Z"},
      {"20/10/2022", "2022-10-20T00:00:00Z"},
      {"10/20/2022", "2022-10-20T00:00:00Z"},
      {"03/04/2022", "2022-04-03T00:00:00Z"},  // both could be the month: day first
      {"5 juillet 2021", "2021-07-05T00:00:00Z"},
      {"28. M\xC3\xA4rz 2022", "2022-03-28T00:00:00Z"},
      {"5 de julio de 2021", "2021-07-05T00:00:00Z"},
      {"16. dubna 2021", "2021-04-16T00:00:00Z"},
      {"12 lipca 2023", "2023-07-12T00:00:00Z"},
      {"1 d\xC3\xA9" "cembre 2020", "2020-12-01T00:00:00Z"},
      {"32.12.2021", nullptr},
      {"1.2.3.4", nullptr},
      {"5.8.0.24", nullptr},
      {"2025-13-01", nullptr},
      {"May 2025", nullptr},
      {"yesterday", nullptr},
      {"", nullptr},
  };
  for (const auto& c : cases) {
    auto t = parse_datetime(c.in);
    if (!c.want) {
      EXPECT_FALSE(t.has_value()) << c.in;
    } else {
      ASSERT_TRUE(t.has_value()) << c.in;
      EXPECT_EQ(format_iso8601(*t), c.want) << c.in;
    }
  }
}

TEST(Time, FindsDatesInBylines) {
  auto t = find_date_in_line("By Jo Bloggs | May 28, 2025");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_iso8601(*t), "2025-05-28T00:00:00Z");
  t = find_date_in_line("Published: 2024-03-26T11:20:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_iso8601(*t), "2024-03-26T11:20:00Z");
  EXPECT_FALSE(find_date_in_line("No date here at all"));
}

TEST(Time, Durations) {
  EXPECT_EQ(parse_duration_seconds("15m"), 900);
  EXPECT_EQ(parse_duration_seconds("2h"), 7200);
  EXPECT_EQ(parse_duration_seconds("90"), 90);
  EXPECT_FALSE(parse_duration_seconds("soon"));
}

}  // namespace
}  // namespace dossier
